// "Save map as PNG" (issue 14): the map as drawn, with the page's title, the period, the legend as shown
// beside the map and the data credits, composed onto one canvas the size of the map's drawing buffer and
// downloaded. Like every export it asks for a purpose and a recipient first and is recorded in the audit
// log (POST /api/exports/map-image) before the file is saved.
//
// The maps keep their drawing buffer (controller-base.ts: preserveDrawingBuffer), so the canvas can be read
// at any time once the map is idle; no extra render is forced.
import { useState } from 'react';
import type * as maplibregl from 'maplibre-gl';
import { recordMapImage, type MAP_IMAGE_PAGES } from '../../../contract/exports';
import { call } from '../api/call';
import { saveBlob } from '../api/client';
import { ExportDialog } from './ExportDialog';
import { windowLabel } from '../lib/months';

export type MapImagePage = (typeof MAP_IMAGE_PAGES)[number];

/** One line of a legend as shown: a heading, or a row with its swatch colour (null: no swatch). */
export interface LegendLine {
  kind: 'head' | 'row';
  text: string;
  colour: string | null;
}

const MAX_LEGEND_LINES = 24;

/** Reads a legend element (headings and `li` rows with a swatch) as lines, in document order. */
export function readLegend(el: Element | null): LegendLine[] {
  if (!el) return [];
  const out: LegendLine[] = [];
  for (const node of el.querySelectorAll('h2, h3, h4, li')) {
    const text = (node.textContent ?? '').replace(/\s+/g, ' ').trim();
    if (!text) continue;
    if (node.tagName === 'LI') {
      const sw = node.querySelector('[class*="swatch"], .legend-icon, svg *, svg');
      let colour: string | null = null;
      if (sw) {
        const cs = getComputedStyle(sw);
        colour = sw instanceof SVGElement ? cs.fill || cs.stroke : cs.backgroundColor;
        if (!colour || colour === 'rgba(0, 0, 0, 0)' || colour === 'none') colour = cs.borderColor || null;
      }
      out.push({ kind: 'row', text, colour });
    } else out.push({ kind: 'head', text, colour: null });
    if (out.length >= MAX_LEGEND_LINES) break;
  }
  return out;
}

/** A period as words: whole months as "Jul 2017 – Jun 2018", other dates as given (end exclusive). */
export function periodText(p: { from: string; to: string } | null | undefined): string {
  if (!p) return '';
  const month = /^(\d{4}-\d{2})(-01)?$/;
  const a = month.exec(p.from);
  const b = month.exec(p.to);
  if (a && b && a[1] < b[1]) return windowLabel(a[1], b[1]);
  return `${p.from} to ${p.to} (not included)`;
}

/** Splits `text` into lines no wider than `width` on the context's font. */
function wrap(ctx: CanvasRenderingContext2D, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

const FONT = 'system-ui, "Noto Sans", "DejaVu Sans", sans-serif';

/** A white box with lines of text at (x, y), growing down (`anchor: 'top'`) or up from y (`'bottom'`). */
function textBox(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  anchor: 'top' | 'bottom',
  lines: { text: string; size: number; bold?: boolean; colour?: string | null }[],
  s: number,
) {
  const pad = 8 * s;
  const gap = 4 * s;
  const heights = lines.map((l) => l.size * s + gap);
  const widths = lines.map((l) => {
    ctx.font = `${l.bold ? '700 ' : ''}${l.size * s}px ${FONT}`;
    return ctx.measureText(l.text).width + (l.colour !== undefined ? 20 * s : 0);
  });
  const w = Math.max(...widths) + 2 * pad;
  const h = heights.reduce((a, b) => a + b, 0) + 2 * pad - gap;
  const top = anchor === 'top' ? y : y - h;
  ctx.fillStyle = 'rgba(255, 255, 255, 0.92)';
  ctx.fillRect(x, top, w, h);
  ctx.strokeStyle = '#9aa5b1';
  ctx.lineWidth = s;
  ctx.strokeRect(x, top, w, h);
  let ty = top + pad;
  lines.forEach((l, i) => {
    ctx.font = `${l.bold ? '700 ' : ''}${l.size * s}px ${FONT}`;
    ctx.textBaseline = 'top';
    let tx = x + pad;
    if (l.colour !== undefined) {
      if (l.colour) {
        ctx.fillStyle = l.colour;
        ctx.fillRect(tx, ty, 14 * s, l.size * s);
        ctx.strokeStyle = '#666';
        ctx.strokeRect(tx, ty, 14 * s, l.size * s);
      }
      tx += 20 * s;
    }
    ctx.fillStyle = '#1d2329';
    ctx.fillText(l.text, tx, ty);
    ty += heights[i];
  });
}

export interface MapImageParts {
  title: string;
  period: string;
  legend: LegendLine[];
  attribution: string;
}

/**
 * The map canvas with the title and period (top left), the legend (bottom left) and the credits (bottom
 * right) drawn over it; the result has the map canvas's pixel size.
 */
export function composeMapImage(source: HTMLCanvasElement, parts: MapImageParts): HTMLCanvasElement {
  const out = document.createElement('canvas');
  out.width = source.width;
  out.height = source.height;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw a 2D canvas');
  // Drawing scale: the buffer's pixels per CSS pixel, so text is as large as on screen.
  const s = Math.max(1, source.width / Math.max(1, source.clientWidth || source.width));
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(source, 0, 0);
  const margin = 10 * s;
  textBox(
    ctx,
    margin,
    margin,
    'top',
    [{ text: parts.title, size: 16, bold: true }, ...(parts.period ? [{ text: parts.period, size: 12 }] : [])],
    s,
  );
  ctx.font = `${11 * s}px ${FONT}`;
  const credits = wrap(ctx, parts.attribution, Math.min(out.width * 0.6, 520 * s));
  const creditsBox = credits.map((text) => ({ text, size: 11 }));
  if (creditsBox.length) {
    ctx.font = `${11 * s}px ${FONT}`;
    const w = Math.max(...credits.map((c) => ctx.measureText(c).width)) + 16 * s;
    textBox(ctx, out.width - w - margin, out.height - margin, 'bottom', creditsBox, s);
  }
  if (parts.legend.length) {
    const creditsHeight = creditsBox.length ? creditsBox.length * 15 * s + 16 * s : 0;
    // On a narrow map the credits sit above the legend, not over it.
    const bottom = out.width < 700 * s ? out.height - margin - creditsHeight - margin : out.height - margin;
    textBox(
      ctx,
      margin,
      bottom,
      'bottom',
      parts.legend.map((l) =>
        l.kind === 'head' ? { text: l.text, size: 12, bold: true } : { text: l.text, size: 12, colour: l.colour },
      ),
      s,
    );
  }
  return out;
}

/** Resolves when the map has drawn everything it is loading (at once when it has). */
function whenIdle(map: maplibregl.Map): Promise<void> {
  if (map.loaded() && !map.isMoving()) return Promise.resolve();
  return new Promise((resolve) => map.once('idle', () => resolve()));
}

function toBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the image could not be encoded'))), 'image/png'),
  );
}

/** The map's credits as its attribution control shows them (data sources and basemap). */
function attributionOf(map: maplibregl.Map, fallback: string[]): string {
  const shown = map.getContainer().querySelector('.maplibregl-ctrl-attrib-inner')?.textContent?.trim();
  return shown || fallback.join(' · ');
}

/**
 * The button (on the map, top left) and its dialog. `legend` finds the legend to draw (default: the one on
 * the same page: `[data-testid="legend"]` or any `.legend`).
 */
export function PngExport({
  map,
  page,
  title,
  period,
  attribution = [],
}: {
  map: maplibregl.Map | null;
  page: MapImagePage;
  title: string;
  period: string;
  attribution?: string[];
}) {
  const [open, setOpen] = useState(false);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const onExport = async (stated: { purpose: string; recipient: string }) => {
    if (!map) throw new Error('the map is not ready yet');
    await whenIdle(map);
    const root = anchor?.closest('.map-page, .present-page, .chb-page, .chb-dashboard') ?? document;
    const legendEl =
      root.querySelector('[data-testid="legend"], [data-testid="hotspot-legend"]') ??
      root.querySelector('[data-testid$="-legend"], .legend');
    const image = composeMapImage(map.getCanvas(), {
      title,
      period,
      legend: readLegend(legendEl),
      attribution: attributionOf(map, attribution),
    });
    const blob = await toBlob(image);
    // Recorded first: a file leaves only once the audit log holds it.
    const { file_name } = await call(recordMapImage, {
      body: {
        ...stated,
        page,
        title,
        period,
        view: window.location.pathname + window.location.search,
        width: image.width,
        height: image.height,
      },
    });
    saveBlob(blob, file_name);
    return file_name;
  };
  return (
    <>
      <button
        type="button"
        ref={setAnchor}
        className="png-export-button"
        onClick={() => setOpen(true)}
        disabled={!map}
        data-testid="png-export"
      >
        Save map as PNG…
      </button>
      {open && (
        <ExportDialog
          title="Save the map as a PNG image"
          description={
            <>
              The map as shown, with the title “{title}”{period ? `, ${period}` : ''}, its legend and the data credits.
            </>
          }
          formats={[{ value: 'png', label: 'PNG image' }]}
          onExport={(stated) => onExport(stated)}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

// The pack's map images: an off-screen map draws each chosen view in turn; the page shows the PNGs
// (which print, where a live WebGL canvas may not).
import { useEffect, useState } from 'react';
import { errorMessage, isAbort } from '../../api/client';
import type { MapController } from '../../map/map-controller';
import type { LegendRow } from '../../map/classify';
import { MapView } from '../map/MapView';
import type { AppConfig } from '../../../../contract/aggregates';
import { basemapKey, basemapNoteText, loadBaseStyle, type BaseStyle } from '../../map/base-style';
import { renderView, type PackView, type RenderedView } from './render-views';

function LegendLine({ label, rows }: { label: string; rows: LegendRow[] }) {
  return (
    <span className="pack-legend">
      {label}:{' '}
      {rows.map((r) => (
        <span key={r.label + r.colour} className="pack-legend-item">
          <span className="swatch" style={{ background: r.colour }} /> {r.label}
        </span>
      ))}
    </span>
  );
}

const NO_EVENTS = { onSelect: () => undefined, onCamera: () => undefined, onViewport: () => undefined };

export function MapImages({
  views,
  period,
  onDone,
  config,
}: {
  views: PackView[];
  period: { from: string; to: string } | null;
  onDone: (done: boolean) => void;
  config: AppConfig;
}) {
  const [controller, setController] = useState<MapController | null>(null);
  // The images are drawn once the basemap is chosen (again if the configuration arrives after them).
  const [base, setBase] = useState<BaseStyle | null>(null);
  const basemap = basemapKey(config);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `basemap` stands for config.basemap's content
  useEffect(() => {
    if (!controller) return;
    let live = true;
    void controller.track(loadBaseStyle(config)).then((r) => {
      if (!live) return;
      if (!r.fallbackReason && config.basemap?.kind !== 'none') controller.setBaseStyle(r.style);
      setBase(r);
    });
    return () => {
      live = false;
    };
  }, [controller, basemap]);
  const [images, setImages] = useState<RenderedView[]>([]);
  const [error, setError] = useState<string | null>(null);

  // `views` and `period` are memoised by the page: a new one is a new set of images to draw.
  useEffect(() => {
    if (!controller || !period || !base) return;
    const ac = new AbortController();
    setImages([]);
    setError(null);
    onDone(false);
    (async () => {
      const out: RenderedView[] = [];
      for (const v of views) {
        out.push(await renderView(controller, v, period, ac.signal));
        setImages([...out]);
      }
      onDone(true);
    })().catch((e) => {
      if (isAbort(e)) return;
      setError(errorMessage(e));
      onDone(true);
    });
    return () => ac.abort();
  }, [controller, views, period, onDone, base]);

  return (
    <section className="pack-section">
      <h2>Maps</h2>
      {/* Off screen, only drawn from: hidden from assistive technology and out of the tab order (inert). */}
      <div className="pack-render" aria-hidden="true" inert>
        <MapView initialCamera={views[0]?.view.camera ?? null} events={NO_EVENTS} onController={setController} />
      </div>
      {error && <p className="error-text">Map images: {error}</p>}
      {base?.fallbackReason && (
        <p className="note" data-testid="pack-basemap-note">
          {basemapNoteText(base.fallbackReason)}
        </p>
      )}
      {base && !base.fallbackReason && config.basemap?.kind === 'pmtiles' && (
        <p className="hint" data-testid="pack-basemap-credit">
          Basemap: Protomaps, © OpenStreetMap contributors (ODbL).
        </p>
      )}
      <div className="pack-maps">
        {images.map((m, i) => (
          <figure className="pack-map" key={i} data-testid="pack-map-image">
            <img src={m.image} alt={`Map: ${m.title}`} />
            <figcaption>
              <strong>{m.title}</strong>
              {m.hexLegend && <LegendLine label={`Incidents per hexagon (res ${m.hexRes})`} rows={m.hexLegend} />}
              {m.areaLegend && <LegendLine label="Incidents per ward" rows={m.areaLegend} />}
            </figcaption>
          </figure>
        ))}
        {images.length < views.length && !error && (
          <p className="hint">
            Drawing map {images.length + 1} of {views.length}…
          </p>
        )}
      </div>
    </section>
  );
}

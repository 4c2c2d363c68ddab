// Label glyphs for the basemap, made offline: SDF glyph PBFs (the format MapLibre reads for `glyphs` URLs)
// for the font stacks the Protomaps styles use ("Noto Sans Regular/Medium/Italic"), from the Noto Sans
// fonts in @fontsource/noto-sans, rasterised with @napi-rs/canvas and turned into signed distance fields by
// @mapbox/tiny-sdf with the parameters MapLibre's shader expects (24 px, 3 px border, radius 8, cutoff 0.25).
// Ranges: 0-255 (Latin-1), 256-511 (Latin Extended-A/B: Welsh ŵ ŷ, Polish, Czech, …) and 8192-8447
// (general punctuation: ‘ ’ “ ” – — … and €). Written to api/basemap/glyphs/<font>/<start>-<end>.pbf,
// committed (about 0.4 MB); the server answers other ranges with an empty glyph set.
//   npx tsx scripts/make-glyphs.ts [outDir]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import TinySDF from '@mapbox/tiny-sdf';
import { PbfWriter } from 'pbf';

const require = createRequire(import.meta.url);
const FONTSOURCE = path.dirname(require.resolve('@fontsource/noto-sans/package.json'));
const OUT = path.resolve(process.argv[2] ?? 'api/basemap/glyphs');

export const RANGES = [0, 256, 8192];
/** Font stack → folder, weight and style; each drawn from the Latin and Latin Extended subsets. */
const STACKS = [
  { name: 'Noto Sans Regular', dir: 'noto-sans-regular', weight: 400, style: 'normal' },
  { name: 'Noto Sans Medium', dir: 'noto-sans-medium', weight: 500, style: 'normal' },
  { name: 'Noto Sans Italic', dir: 'noto-sans-italic', weight: 400, style: 'italic' },
] as const;
const SUBSETS = ['latin', 'latin-ext'] as const;

/** The code points a subset file covers, from its @font-face unicode-range in fontsource's CSS. */
function subsetRanges(subset: string, weight: number, style: string): [number, number][] {
  const css = fs.readFileSync(path.join(FONTSOURCE, `${weight}${style === 'italic' ? '-italic' : ''}.css`), 'utf8');
  const face = css.split('@font-face').find((f) => f.includes(`noto-sans-${subset}-${weight}-${style}.woff2`));
  const m = face && /unicode-range:\s*([^;]+);/.exec(face);
  if (!m) throw new Error(`no unicode-range for ${subset}-${weight}-${style}`);
  return m[1].split(',').map((r) => {
    const [a, b] = r.trim().replace(/^U\+/i, '').split('-');
    return [Number.parseInt(a, 16), Number.parseInt(b ?? a, 16)];
  });
}

class NodeSDF extends TinySDF {
  _createCanvas(size: number) {
    return createCanvas(size, size) as unknown as HTMLCanvasElement;
  }
}

interface Glyph {
  id: number;
  bitmap: Uint8ClampedArray;
  width: number;
  height: number;
  left: number;
  top: number;
  advance: number;
}

/** glyphs { stacks { name, range, glyph { id, bitmap, width, height, left, top, advance } } } */
export function encodeGlyphs(name: string, range: string, glyphs: Glyph[]): Uint8Array {
  const pbf = new PbfWriter();
  pbf.writeMessage(1, writeStack, { name, range, glyphs });
  return pbf.finish();
}

function writeStack(stack: { name: string; range: string; glyphs: Glyph[] }, pbf: PbfWriter) {
  pbf.writeStringField(1, stack.name);
  pbf.writeStringField(2, stack.range);
  for (const g of stack.glyphs) pbf.writeMessage(3, writeGlyph, g);
}

function writeGlyph(g: Glyph, pbf: PbfWriter) {
  pbf.writeVarintField(1, g.id);
  if (g.bitmap.length) pbf.writeBytesField(2, new Uint8Array(g.bitmap.buffer, g.bitmap.byteOffset, g.bitmap.length));
  pbf.writeVarintField(3, g.width);
  pbf.writeVarintField(4, g.height);
  pbf.writeSVarintField(5, g.left);
  pbf.writeSVarintField(6, g.top);
  pbf.writeVarintField(7, g.advance);
}

/** MapLibre places a server glyph's bitmap `top` px above the baseline less its em box: as its own TinySDF path does. */
const TOP_ADJUSTMENT = 27;

function main() {
  const t0 = performance.now();
  let total = 0;
  for (const stack of STACKS) {
    const fonts = SUBSETS.map((subset) => {
      const family = `SP ${stack.name} ${subset}`;
      const file = path.join(FONTSOURCE, 'files', `noto-sans-${subset}-${stack.weight}-${stack.style}.woff2`);
      if (!GlobalFonts.registerFromPath(file, family)) throw new Error(`could not register ${file}`);
      const sdf = new NodeSDF({
        fontSize: 24,
        buffer: 3,
        radius: 8,
        cutoff: 0.25,
        fontFamily: `"${family}"`,
        fontWeight: String(stack.weight),
        fontStyle: stack.style,
      });
      return { ranges: subsetRanges(subset, stack.weight, stack.style), sdf };
    });
    fs.mkdirSync(path.join(OUT, stack.dir), { recursive: true });
    for (const start of RANGES) {
      const glyphs: Glyph[] = [];
      for (let cp = start; cp < start + 256; cp++) {
        if (cp < 32 || (cp >= 127 && cp < 160)) continue; // control characters
        const font = fonts.find((f) => f.ranges.some(([a, b]) => cp >= a && cp <= b));
        if (!font) continue;
        const g = font.sdf.draw(String.fromCodePoint(cp));
        glyphs.push({
          id: cp,
          bitmap: g.glyphWidth && g.glyphHeight ? g.data : new Uint8ClampedArray(0),
          width: g.glyphWidth,
          height: g.glyphHeight,
          left: g.glyphLeft,
          top: g.glyphTop - TOP_ADJUSTMENT,
          advance: Math.round(g.glyphAdvance),
        });
      }
      const range = `${start}-${start + 255}`;
      const bytes = encodeGlyphs(stack.name, range, glyphs);
      fs.writeFileSync(path.join(OUT, stack.dir, `${range}.pbf`), bytes);
      total += bytes.length;
      console.log(`${stack.name} ${range}: ${glyphs.length} glyphs, ${bytes.length} bytes`);
    }
  }
  console.log(`${(total / 1024).toFixed(0)} KB in ${OUT} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

main();

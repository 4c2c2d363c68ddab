// Draw-then-edit with terra-draw, one shape at a time, as the school-routes and planning maps use it: a
// finished shape goes straight to editing (select mode) so its vertices can still be moved, and every
// change is reported. The controller builds the TerraDraw (its modes and styles) when its style is
// installed and hands it to `attach`; commands given before that wait and run then.
import type { TerraDraw } from 'terra-draw';
import type { LineString, Point, Polygon } from 'geojson';

export type DrawState = 'off' | 'drawing' | 'editing';

export class DrawEditor<G> {
  private draw: TerraDraw | null = null;
  private pending: ((draw: TerraDraw) => void) | null = null;
  state: DrawState = 'off';

  constructor(
    private readonly opts: {
      /** terra-draw's select mode name (editing). */
      editMode: string;
      /** The shape in `draw` as the page wants it (null: none). */
      read: (draw: TerraDraw) => G | null;
      /** The shape changed; `finished` when a new one was completed. */
      onDrawn: (shape: G | null, finished: boolean) => void;
      canvas: () => HTMLElement;
    },
  ) {}

  attach(draw: TerraDraw) {
    draw.start();
    draw.on('finish', (id) => {
      if (this.state !== 'drawing') return;
      this.state = 'editing';
      draw.setMode(this.opts.editMode);
      draw.selectFeature(id);
      this.opts.onDrawn(this.opts.read(draw), true);
    });
    draw.on('change', () => {
      if (this.state === 'editing') this.opts.onDrawn(this.opts.read(draw), false);
    });
    this.draw = draw;
    const pending = this.pending;
    this.pending = null;
    pending?.(draw);
  }

  destroy() {
    this.draw?.stop();
    this.draw = null;
  }

  /** Draw a new shape in terra-draw mode `mode`. */
  start(mode: string) {
    this.run((d) => {
      d.clear();
      this.state = 'drawing';
      d.setMode(mode);
    });
  }

  /** Load a saved shape for editing; `mode` is the drawing mode it belongs to (its select-mode flags). */
  edit(geometry: Point | LineString | Polygon, mode: string) {
    this.run((d) => {
      d.clear();
      d.setMode(this.opts.editMode);
      const [r] = d.addFeatures([{ type: 'Feature', geometry, properties: { mode } }]);
      this.state = 'editing';
      if (r?.valid) d.selectFeature(r.id!);
    });
  }

  stop() {
    this.pending = null;
    if (!this.draw) return;
    this.draw.clear();
    this.draw.setMode('static');
    this.state = 'off';
    this.opts.canvas().style.cursor = '';
  }

  private run(f: (draw: TerraDraw) => void) {
    if (this.draw) f(this.draw);
    else this.pending = f;
  }
}

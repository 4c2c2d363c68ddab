// Resident set size of this process, sampled every 50 ms (and at every mark), as a peak overall
// and per phase. With PGlite the database lives in this process, so its memory counts here; the
// PostgreSQL server's memory does not.
const MB = 1024 * 1024;

export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  peak = 0;
  private phasePeak = 0;

  start() {
    this.sample();
    this.timer = setInterval(() => this.sample(), 50);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }

  sample(): number {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
    if (rss > this.phasePeak) this.phasePeak = rss;
    return rss;
  }

  /** Start a new phase: returns nothing; read the phase's peak with phaseEnd(). */
  phaseStart() {
    this.phasePeak = 0;
    this.sample();
  }

  /** Peak RSS (MB) since phaseStart(). */
  phaseEnd(): number {
    this.sample();
    return Math.round(this.phasePeak / MB);
  }

  peakMB(): number {
    return Math.round(this.peak / MB);
  }
}

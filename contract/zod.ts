// The zod every contract file builds its schemas with. Configured before the first schema exists:
// zod 4 probes `new Function` when it builds an object schema (to compile a faster parser), and in the
// browser, under the app's Content-Security-Policy (no 'unsafe-eval'), that probe is reported as a
// violation even though zod catches it. `jitless` skips the probe; parsing stays correct (measured
// cost on the server: request validation is a few small objects per request).
import { config, z } from 'zod';

config({ jitless: true });

export { z };

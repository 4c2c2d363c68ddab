import { describe, expect, it } from 'vitest';
import { createApp } from '../api/app.js';
import { drivers, testDb } from './helpers/db.js';

describe.each(drivers())('health (%s)', (driver) => {
  it('reports the driver and the PostGIS version', async () => {
    const db = await testDb(driver);
    const app = createApp({ db, config: { dataDir: '/nonexistent', MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined } });
    const res = await app.request('/api/health');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.ok).toBe(true);
    expect(body.database.driver).toBe(driver);
    expect(body.database.postgis).toMatch(/^3\.\d+\.\d+/);
  });
  it('answers unknown API paths with a JSON 404', async () => {
    const db = await testDb(driver);
    const app = createApp({ db, config: { dataDir: '/nonexistent', MAX_UPLOAD_MB: 10, BASEMAP_STYLE_URL: undefined } });
    const res = await app.request('/api/nope');
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });
});

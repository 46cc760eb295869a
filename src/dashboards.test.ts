import fs from 'fs';
import path from 'path';
import type { Dashboard, Panel, RowPanel, VariableModel } from '@grafana/schema';

// The provisioned dashboards against @grafana/schema's dashboard types: every key they use must be
// one the schema knows. Each table below must list exactly the type's keys (the type checker
// fails if one is missing or extra), so a schema update shows up here.
const DASHBOARD_KEYS: Record<keyof Dashboard, true> = {
  annotations: true,
  description: true,
  editable: true,
  fiscalYearStartMonth: true,
  gnetId: true,
  graphTooltip: true,
  id: true,
  links: true,
  liveNow: true,
  panels: true,
  refresh: true,
  revision: true,
  schemaVersion: true,
  snapshot: true,
  tags: true,
  templating: true,
  time: true,
  timepicker: true,
  timezone: true,
  title: true,
  uid: true,
  version: true,
  weekStart: true,
};
const PANEL_KEYS: Record<keyof Panel, true> = {
  cacheTimeout: true,
  datasource: true,
  description: true,
  fieldConfig: true,
  gridPos: true,
  hideTimeOverride: true,
  id: true,
  interval: true,
  libraryPanel: true,
  links: true,
  maxDataPoints: true,
  maxPerRow: true,
  options: true,
  pluginVersion: true,
  queryCachingTTL: true,
  repeat: true,
  repeatDirection: true,
  targets: true,
  timeFrom: true,
  timeShift: true,
  title: true,
  transformations: true,
  transparent: true,
  type: true,
};
const ROW_KEYS: Record<keyof RowPanel, true> = {
  collapsed: true,
  datasource: true,
  gridPos: true,
  id: true,
  panels: true,
  repeat: true,
  title: true,
  type: true,
};
const VARIABLE_KEYS: Record<keyof VariableModel, true> = {
  allValue: true,
  current: true,
  datasource: true,
  description: true,
  hide: true,
  includeAll: true,
  label: true,
  multi: true,
  name: true,
  options: true,
  query: true,
  refresh: true,
  regex: true,
  skipUrlSync: true,
  sort: true,
  type: true,
};
// Keys Grafana's own front end writes into variables that the 11.0 schema types do not list:
// definition (query variables' summary) and allowCustomValue (Grafana 11.2+; 11.0 ignores it).
const EXTRA_VARIABLE_KEYS = ['definition', 'allowCustomValue'];

const DIR = path.join(__dirname, '..', 'provisioning', 'dashboards');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));

function unknownKeys(obj: object, known: object, extra: string[] = []): string[] {
  return Object.keys(obj).filter((k) => !(k in known) && !extra.includes(k));
}

describe('provisioned dashboards match @grafana/schema', () => {
  it('finds the dashboards', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s uses only keys the dashboard schema knows', (file) => {
    const d = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
    expect(unknownKeys(d, DASHBOARD_KEYS)).toEqual([]);
    expect(typeof d.uid).toBe('string');
    expect(typeof d.title).toBe('string');
    expect(typeof d.schemaVersion).toBe('number');
    for (const p of d.panels as Array<Record<string, unknown>>) {
      const known = p.type === 'row' ? ROW_KEYS : PANEL_KEYS;
      expect([p.title, unknownKeys(p, known)]).toEqual([p.title, []]);
      const g = p.gridPos as Record<string, number>;
      expect(['h', 'w', 'x', 'y'].every((k) => Number.isInteger(g[k]))).toBe(true);
    }
    for (const v of d.templating.list as Array<Record<string, unknown>>) {
      expect([v.name, unknownKeys(v, VARIABLE_KEYS, EXTRA_VARIABLE_KEYS)]).toEqual([v.name, []]);
    }
  });
});

import { CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';

import { CAOptions, CAQuery, DEFAULT_QUERY } from './types';

/**
 * The front half of the datasource: Grafana sends each query to the Go backend, which computes it
 * in PostgreSQL. Here we only fill in defaults, interpolate dashboard variables and skip hidden queries.
 */
export class DataSource extends DataSourceWithBackend<CAQuery, CAOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<CAOptions>) {
    super(instanceSettings);
  }

  getDefaultQuery(_: CoreApp): Partial<CAQuery> {
    return DEFAULT_QUERY;
  }

  /** Replaces dashboard variables (e.g. `$comparison`) in the query's string fields. */
  applyTemplateVariables(query: CAQuery, scopedVars: ScopedVars): CAQuery {
    const templateSrv = getTemplateSrv();
    const interpolate = <T extends string>(value: T | undefined): T | undefined =>
      value === undefined ? undefined : (templateSrv.replace(value, scopedVars) as T);
    return {
      ...query,
      queryType: interpolate(query.queryType),
      view: interpolate(query.view),
      comparison: interpolate(query.comparison),
    };
  }

  /** Hidden queries are not sent to the backend. */
  filterQuery(query: CAQuery): boolean {
    return !query.hide;
  }
}

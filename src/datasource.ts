import { CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';

import { CAOptions, CAQuery, DEFAULT_QUERY, VariableList } from './types';
import { CAVariableSupport } from './variables';

/** One entry of the backend's `accounts`, `content` and `stores` resources. */
export interface ListOption {
  value: string;
  text: string;
}

/** The string fields of a query; each may hold dashboard variables. */
const STRING_FIELDS = [
  'queryType',
  'view',
  'comparison',
  'bucket',
  'contentKind',
  'rankBy',
  'group',
  'channel',
  'dimension',
  'dimension2',
  'metric',
  'event',
  'groupBy',
  'attributeKey',
  'measure',
  'segment',
  'unit',
  'list',
] as const satisfies ReadonlyArray<keyof CAQuery>;

/** Joins the values of a multi-value variable while interpolating; no id contains it. */
const VALUE_SEPARATOR = '\u001f';

/**
 * The front half of the datasource: Grafana sends each query to the Go backend, which computes it
 * in PostgreSQL. Here we only fill in defaults, interpolate dashboard variables and skip hidden queries.
 */
export class DataSource extends DataSourceWithBackend<CAQuery, CAOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<CAOptions>) {
    super(instanceSettings);
    // Query variables use their own editor and run as query type 'variables'.
    this.variables = new CAVariableSupport(this);
  }

  getDefaultQuery(_: CoreApp): Partial<CAQuery> {
    return DEFAULT_QUERY;
  }

  /**
   * Replaces dashboard variables (e.g. `$comparison`) in the query's string fields, and in each
   * account and store id; a multi-value variable in `accounts` or `stores` becomes one id per value.
   */
  applyTemplateVariables(query: CAQuery, scopedVars: ScopedVars): CAQuery {
    const templateSrv = getTemplateSrv();
    const out: CAQuery = { ...query };
    const interpolated: Partial<Record<(typeof STRING_FIELDS)[number], string>> = {};
    for (const field of STRING_FIELDS) {
      const value = query[field];
      if (typeof value === 'string') {
        interpolated[field] = templateSrv.replace(value, scopedVars);
      }
    }
    Object.assign(out, interpolated);
    if (Array.isArray(query.accounts)) {
      out.accounts = expandValues(query.accounts, scopedVars);
    }
    if (Array.isArray(query.stores)) {
      out.stores = expandValues(query.stores, scopedVars);
    }
    return out;
  }

  /** Hidden queries are not sent to the backend. */
  filterQuery(query: CAQuery): boolean {
    return !query.hide;
  }

  /** The choices of a list from the backend's resources; content may be narrowed to some accounts. */
  listOptions(list: VariableList, accounts: string[] = []): Promise<ListOption[]> {
    const params = accounts.length > 0 ? { account: accounts } : undefined;
    // The editors show their own message when this fails, so no toast as well.
    return this.getResource<ListOption[]>(list, params, { showErrorAlert: false });
  }
}

/**
 * Interpolates each value; a multi-value variable yields one value per selected value. Empty
 * results are dropped, so a variable with nothing selected leaves the list empty ("all").
 */
function expandValues(values: string[], scopedVars: ScopedVars): string[] {
  const templateSrv = getTemplateSrv();
  const joinValues = (value: string | string[]) => (Array.isArray(value) ? value.join(VALUE_SEPARATOR) : value);
  const out = values.flatMap((v) => templateSrv.replace(v, scopedVars, joinValues).split(VALUE_SEPARATOR));
  return Array.from(new Set(out.filter((v) => v.trim() !== '')));
}

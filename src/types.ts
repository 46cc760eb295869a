import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

// The query model and the datasource settings. The Go backend (pkg/) parses the same JSON, so
// every field name here is part of the contract between the two: rename one only on both sides.

/** The query types the plugin knows of (SPEC §4). Only those in QUERY_TYPES can be chosen. */
export type QueryType =
  'buyers' | 'followers' | 'customers' | 'value_bands' | 'personas' | 'customer_events' | 'audience_growth';

/** What the selected period is compared with (SPEC §3). */
export type Comparison = 'previous_period' | 'offset_7d' | 'offset_28d' | 'offset_1y' | 'none';

/** One query of a panel, as sent to the backend. */
export interface CAQuery extends DataQuery {
  queryType?: QueryType;
  /** Which view of the query type, e.g. 'summary' for buyers. */
  view?: string;
  comparison?: Comparison;
}

/** A choice shown in an editor: the stored value, its label, and a one-line explanation. */
export interface Choice<T extends string = string> {
  value: T;
  label: string;
  description: string;
}

/** A query type as the query editor offers it. */
export interface QueryTypeInfo extends Choice<QueryType> {
  /** The views the backend answers for this query type; the first is the default. */
  views: Choice[];
}

/**
 * The query types the backend answers, in the order the editor lists them. Adding a query type
 * or a view to the editor is one entry here, once the backend answers it.
 */
export const QUERY_TYPES: QueryTypeInfo[] = [
  {
    value: 'buyers',
    label: 'Buyers',
    description: 'New and repeat buyers in the period: counts, shares, revenue and repeat rate',
    views: [
      {
        value: 'summary',
        label: 'Summary',
        description: 'One row per group (all, new, repeat buyers) with the comparison period and its change',
      },
    ],
  },
];

export const COMPARISONS: Array<Choice<Comparison>> = [
  {
    value: 'previous_period',
    label: 'Previous period',
    description: 'The same length of time immediately before the selected period',
  },
  { value: 'offset_7d', label: '7 days earlier', description: 'The selected period shifted back 7 days' },
  { value: 'offset_28d', label: '28 days earlier', description: 'The selected period shifted back 28 days' },
  { value: 'offset_1y', label: '1 year earlier', description: 'The selected period shifted back one year' },
  { value: 'none', label: 'None', description: 'No comparison columns' },
];

export const DEFAULT_QUERY: Partial<CAQuery> = {
  queryType: 'buyers',
  view: 'summary',
  comparison: 'previous_period',
};

/** The entry of QUERY_TYPES for a query type, or undefined if the editor does not offer it. */
export function queryTypeInfo(queryType: string | undefined): QueryTypeInfo | undefined {
  return QUERY_TYPES.find((t) => t.value === queryType);
}

export type SSLMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

export type LifecycleThresholds = 'fixed' | 'auto';

/** The datasource settings (SPEC §6), with the names the backend reads from jsonData. */
export interface CASettings {
  host: string;
  port: number;
  database: string;
  user: string;
  sslMode: SSLMode;
  /** Connection pool size. */
  maxOpenConns: number;
  statementTimeoutSeconds: number;
  connectTimeoutSeconds: number;
  /** The schema holding the commerce contract's relations. */
  schema: string;
  /** IANA name of the shop's time zone; sets day boundaries. */
  timeZone: string;
  /** ISO 4217 code of the shop currency. */
  currency: string;
  /** How far back a buyer's earlier order makes them a repeat buyer; 0 means all history. */
  newBuyerLookbackDays: number;
  lifecycleThresholds: LifecycleThresholds;
  atRiskDays: number;
  lapsedDays: number;
  /** Value bands: ratios of a customer's AOV to the shop's AOV. */
  valueBandLow: number;
  valueBandHigh: number;
  valueBandVeryHigh: number;
  /** Ascending edges of the device price bands, in the shop currency. */
  devicePriceEdges: number[];
  /** Number of score levels for recency, frequency and monetary value (3..10). */
  rfmScale: number;
}

/** jsonData of the datasource: any setting left out takes its default (DEFAULT_SETTINGS). */
export interface CAOptions extends DataSourceJsonData, Partial<CASettings> {}

/** Settings kept only on the server; the front end sees just whether each is set. */
export interface CASecureJsonData {
  password?: string;
  tlsCACert?: string;
  tlsClientCert?: string;
  tlsClientKey?: string;
}

/** The value of each setting when jsonData leaves it out; the backend applies the same defaults. */
export const DEFAULT_SETTINGS: CASettings = {
  host: 'localhost',
  port: 5432,
  database: '',
  user: '',
  sslMode: 'require',
  maxOpenConns: 10,
  statementTimeoutSeconds: 30,
  connectTimeoutSeconds: 10,
  schema: 'commerce',
  timeZone: 'UTC',
  currency: 'USD',
  newBuyerLookbackDays: 365,
  lifecycleThresholds: 'fixed',
  atRiskDays: 182,
  lapsedDays: 385,
  valueBandLow: 0.75,
  valueBandHigh: 1.25,
  valueBandVeryHigh: 2.5,
  devicePriceEdges: [150, 300, 600, 1000],
  rfmScale: 5,
};

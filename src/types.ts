import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

// The query model and the datasource settings. The Go backend (pkg/) parses the same JSON, so
// every field name here is part of the contract between the two: rename one only on both sides.

/** The query types the plugin knows of (SPEC §4). Only those in QUERY_TYPES can be chosen in the query editor. */
export type QueryType =
  | 'buyers'
  | 'followers'
  | 'customers'
  | 'value_bands'
  | 'personas'
  | 'customer_events'
  | 'audience_growth'
  | 'variables';

/** What the selected period is compared with (SPEC §3). */
export type Comparison = 'previous_period' | 'offset_7d' | 'offset_28d' | 'offset_1y' | 'none';

/** The size of a trend's buckets; auto takes Grafana's interval. */
export type Bucket = 'auto' | 'hour' | 'day' | 'week' | 'month';

/** The kind of content a ranking covers; empty means LIVEs and videos. */
export type ContentKind = '' | 'live' | 'video';

/** A group of buyers (SPEC §4 Buyers). */
export type BuyerGroup = 'all' | 'new' | 'repeat';

/** A group of followers (SPEC §4 Followers). */
export type FollowerGroup = 'new' | 'active';

/** What the followers channels view breaks down. */
export type FollowerChannel = 'source' | 'content' | 'viewed_content';

/** A dimension of a buyer or follower profile. */
export type ProfileDimension =
  | 'age_band'
  | 'gender'
  | 'follower_status'
  | 'buyer_status'
  | 'device_price_band'
  | 'country'
  | 'region'
  | 'video_preference';

/** The lists query type 'variables' returns, for dashboard variables. */
export type VariableList = 'accounts' | 'content' | 'stores';

/**
 * One query of a panel, as sent to the backend. Which fields apply depends on the query type and
 * the view (QUERY_TYPES); a string field may also hold a dashboard variable such as `$group`.
 */
export interface CAQuery extends DataQuery {
  queryType?: QueryType;
  /** Which view of the query type, e.g. 'summary' for buyers. */
  view?: string;
  /** Summary and trend views. */
  comparison?: Comparison;
  /** Trend views. */
  bucket?: Bucket;
  /** Buyers channels, followers channels with content rankings. */
  contentKind?: ContentKind;
  /** Buyers channels and products: whose revenue ranks. */
  rankBy?: BuyerGroup;
  /** Rankings: how many rows, 1..1000 (default 10). */
  topN?: number;
  /** Buyers profile (all, new, repeat); followers channels and profile (new, active). */
  group?: BuyerGroup | FollowerGroup;
  /** Followers channels. */
  channel?: FollowerChannel;
  /** Profiles. */
  dimension?: ProfileDimension;
  /** Followers: the account ids of the account set; empty or absent means all accounts. Variables: content of these accounts. */
  accounts?: string[];
  /** Followers trend: one series per account. */
  perAccount?: boolean;
  /** Variables: which list. */
  list?: VariableList;
}

/** A choice shown in an editor: the stored value, its label, and a one-line explanation. */
export interface Choice<T extends string = string> {
  value: T;
  label: string;
  description: string;
}

/** The query fields a view may show, besides the query type and the view. */
export const OPTION_NAMES = [
  'accounts',
  'comparison',
  'bucket',
  'perAccount',
  'group',
  'channel',
  'contentKind',
  'rankBy',
  'topN',
  'dimension',
] as const satisfies ReadonlyArray<keyof CAQuery>;

export type OptionName = (typeof OPTION_NAMES)[number];

/**
 * A condition on the query's other options: each option named holds one of the values listed.
 * An option holding a dashboard variable meets any condition, since its value is known only later.
 */
export type Condition = Partial<Record<OptionName, string[]>>;

/** A value of an option; `when` offers it only for queries that meet the condition. */
export interface OptionChoice<T extends string = string> extends Choice<T> {
  when?: Condition;
}

interface OptionBase {
  label: string;
  description: string;
  /** The option is shown (and sent) only for queries that meet this condition. */
  when?: Condition;
}

/** An option with a fixed set of values, shown as radio buttons (few short values) or a select. */
export interface ChoiceOption extends OptionBase {
  kind: 'choice';
  control: 'radio' | 'select';
  choices: OptionChoice[];
  default: string;
}

/** A whole number within [min, max]. */
export interface NumberOption extends OptionBase {
  kind: 'number';
  min: number;
  max: number;
  default: number;
}

/** On or off. */
export interface SwitchOption extends OptionBase {
  kind: 'switch';
  default: boolean;
}

/** A set of account ids, chosen from the backend's `accounts` resource. */
export interface AccountsOption extends OptionBase {
  kind: 'accounts';
  default: string[];
}

export type OptionInfo = ChoiceOption | NumberOption | SwitchOption | AccountsOption;

/** A view of a query type and the options it shows, in the order the editor shows them. */
export interface ViewInfo extends Choice {
  options: OptionName[];
}

/** A query type as the query editor offers it. */
export interface QueryTypeInfo extends Choice<QueryType> {
  /** The views the backend answers for this query type; the first is the default. */
  views: ViewInfo[];
  /** What each option its views name means for this query type. */
  options: Partial<Record<OptionName, OptionInfo>>;
}

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

export const BUCKETS: Array<Choice<Bucket>> = [
  {
    value: 'auto',
    label: 'Auto',
    description: "Grafana's interval for the time range and panel width, in whole hours or days",
  },
  { value: 'hour', label: 'Hour', description: 'One point per hour' },
  { value: 'day', label: 'Day', description: "One point per day, from midnight in the shop's time zone" },
  { value: 'week', label: 'Week', description: 'One point per week, from Monday' },
  { value: 'month', label: 'Month', description: 'One point per calendar month' },
];

const CONTENT_KINDS: Array<Choice<ContentKind>> = [
  { value: '', label: 'Both', description: 'LIVEs and videos' },
  { value: 'live', label: 'LIVE', description: 'LIVEs only' },
  { value: 'video', label: 'Video', description: 'Videos only' },
];

const COMPARISON_OPTION: ChoiceOption = {
  kind: 'choice',
  control: 'select',
  label: 'Compare with',
  description: 'The period the selected time range is compared with for the change columns',
  choices: COMPARISONS,
  default: 'previous_period',
};

const BUCKET_OPTION: ChoiceOption = {
  kind: 'choice',
  control: 'radio',
  label: 'Bucket',
  description: 'The length of each point of the trend; each bucket counts as a period of its own',
  choices: BUCKETS,
  default: 'auto',
};

const CONTENT_KIND_OPTION: ChoiceOption = {
  kind: 'choice',
  control: 'radio',
  label: 'Content kind',
  description: 'Which content to rank: the LIVEs, the videos or both',
  choices: CONTENT_KINDS,
  default: '',
};

const TOP_N_OPTION: NumberOption = {
  kind: 'number',
  label: 'Top N',
  description: 'How many rows of the ranking to return (1 to 1000)',
  min: 1,
  max: 1000,
  default: 10,
};

/** The dimensions both profiles share; each profile adds the status of the other group. */
const PROFILE_DIMENSIONS: Record<Exclude<ProfileDimension, 'follower_status' | 'buyer_status'>, Choice> = {
  age_band: {
    value: 'age_band',
    label: 'Age band',
    description: 'Under 18, 18–24, 25–34, 35–44, 45–54, 55+ or unknown; age at the end of the period',
  },
  gender: { value: 'gender', label: 'Gender', description: 'Female, male, other or unknown' },
  device_price_band: {
    value: 'device_price_band',
    label: 'Device price band',
    description: "The price of the customer's phone, in the bands of the datasource settings",
  },
  country: { value: 'country', label: 'Country', description: "The customer's country" },
  region: { value: 'region', label: 'Region', description: "The customer's region within their country" },
  video_preference: {
    value: 'video_preference',
    label: 'Video preference',
    description: "The share of the group's content views in the period, by content category",
  },
};

function profileDimensions(status: Choice<ProfileDimension>): Choice[] {
  const d = PROFILE_DIMENSIONS;
  return [d.age_band, d.gender, status, d.device_price_band, d.country, d.region, d.video_preference];
}

/**
 * The query types the backend answers, in the order the editor lists them. This one table drives
 * the query editor: adding a query type, a view or an option is one entry here, once the backend
 * answers it.
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
        options: ['comparison'],
      },
      {
        value: 'trend',
        label: 'Trend',
        description: 'Buyers, new and repeat buyers, revenue and repeat rate per bucket, as a time series',
        options: ['bucket', 'comparison'],
      },
      {
        value: 'channels',
        label: 'Channels',
        description: 'LIVEs and videos ranked by the revenue they brought from new and repeat buyers',
        options: ['contentKind', 'rankBy', 'topN'],
      },
      {
        value: 'products',
        label: 'Products',
        description: 'Products ranked by their revenue from new and repeat buyers',
        options: ['rankBy', 'topN'],
      },
      {
        value: 'profile',
        label: 'Profile',
        description: 'A group of buyers broken down by one dimension, such as age band or country',
        options: ['group', 'dimension'],
      },
    ],
    options: {
      comparison: COMPARISON_OPTION,
      bucket: BUCKET_OPTION,
      contentKind: CONTENT_KIND_OPTION,
      rankBy: {
        kind: 'choice',
        control: 'radio',
        label: 'Rank by',
        description: 'Whose revenue orders the ranking; the revenue of both groups is shown either way',
        choices: [
          { value: 'all', label: 'All buyers', description: 'Revenue from all buyers' },
          { value: 'new', label: 'New buyers', description: 'Revenue from new buyers' },
          { value: 'repeat', label: 'Repeat buyers', description: 'Revenue from repeat buyers' },
        ],
        default: 'all',
      },
      topN: TOP_N_OPTION,
      group: {
        kind: 'choice',
        control: 'radio',
        label: 'Buyers',
        description: 'Which buyers the profile describes',
        choices: [
          { value: 'all', label: 'All', description: 'Every buyer in the period' },
          {
            value: 'new',
            label: 'New',
            description: 'Buyers without a valid order in the look-back before the period',
          },
          {
            value: 'repeat',
            label: 'Repeat',
            description: 'Buyers who had ordered in the look-back before the period',
          },
        ],
        default: 'all',
      },
      dimension: {
        kind: 'choice',
        control: 'select',
        label: 'Dimension',
        description: 'What the profile breaks the buyers down by',
        choices: profileDimensions({
          value: 'follower_status',
          label: 'Follower status',
          description: 'Non-follower, new follower, active follower or other follower, in the period',
        }),
        default: 'age_band',
      },
    },
  },
  {
    value: 'followers',
    label: 'Followers',
    description: 'Total, new and active followers of the chosen accounts: counts, shares and their revenue',
    views: [
      {
        value: 'summary',
        label: 'Summary',
        description: 'One row per group (total, new, active followers) with the comparison period and its change',
        options: ['accounts', 'comparison'],
      },
      {
        value: 'trend',
        label: 'Trend',
        description: 'Total, new and active followers per bucket, as a time series',
        options: ['accounts', 'bucket', 'perAccount', 'comparison'],
      },
      {
        value: 'channels',
        label: 'Channels',
        description: 'Where followers came from: by follow source, or the content that brought or engaged them',
        options: ['accounts', 'group', 'channel', 'contentKind', 'topN'],
      },
      {
        value: 'profile',
        label: 'Profile',
        description: 'A group of followers broken down by one dimension, such as age band or buyer status',
        options: ['accounts', 'group', 'dimension'],
      },
    ],
    options: {
      accounts: {
        kind: 'accounts',
        label: 'Accounts',
        description: 'The accounts whose followers count; none chosen means all accounts',
        default: [],
      },
      comparison: COMPARISON_OPTION,
      bucket: BUCKET_OPTION,
      perAccount: {
        kind: 'switch',
        label: 'Per account',
        description: 'One series per account instead of one for the chosen accounts together',
        default: false,
      },
      group: {
        kind: 'choice',
        control: 'radio',
        label: 'Followers',
        description: 'Which followers the view describes',
        choices: [
          { value: 'new', label: 'New', description: 'Followers whose current follow started in the period' },
          {
            value: 'active',
            label: 'Active',
            description: 'Followers from before the period who viewed content of the accounts in it',
          },
        ],
        default: 'new',
      },
      channel: {
        kind: 'choice',
        control: 'radio',
        label: 'Channel',
        description: 'What the followers are broken down or ranked by',
        choices: [
          {
            value: 'source',
            label: 'Follow source',
            description: 'The followers by where they followed: video, LIVE, product card, profile or other',
          },
          {
            value: 'content',
            label: 'Content',
            description: 'LIVEs and videos ranked by the new followers they brought',
            when: { group: ['new'] },
          },
          {
            value: 'viewed_content',
            label: 'Viewed content',
            description: 'LIVEs and videos ranked by the active followers who viewed them in the period',
            when: { group: ['active'] },
          },
        ],
        default: 'source',
      },
      contentKind: { ...CONTENT_KIND_OPTION, when: { channel: ['content', 'viewed_content'] } },
      topN: { ...TOP_N_OPTION, when: { channel: ['content', 'viewed_content'] } },
      dimension: {
        kind: 'choice',
        control: 'select',
        label: 'Dimension',
        description: 'What the profile breaks the followers down by',
        choices: profileDimensions({
          value: 'buyer_status',
          label: 'Buyer status',
          description: 'Non-purchasing, new buyer or repeat buyer, in the period',
        }),
        default: 'age_band',
      },
    },
  },
  {
    value: 'customers',
    label: 'Customer report',
    description: 'Customers active in the period, with their whole history: orders, revenue, AOV, repurchase rate, CLV',
    views: [
      {
        value: 'summary',
        label: 'Key metrics',
        description:
          'One row of metrics (customers, new, existing, orders, revenue, AOV, repurchase rate, CLV) with the comparison',
        options: ['comparison'],
      },
      {
        value: 'new_vs_existing',
        label: 'New vs existing',
        description: 'New, existing and all customers with their orders and revenue in the period',
        options: ['comparison'],
      },
      {
        value: 'acquisition',
        label: 'Acquisition trend',
        description: 'New customers (first valid order) per bucket, with their first-order revenue',
        options: ['bucket', 'comparison'],
      },
    ],
    options: {
      comparison: COMPARISON_OPTION,
      bucket: BUCKET_OPTION,
    },
  },
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

/** The lists a dashboard variable can take from query type 'variables'. */
export const VARIABLE_LISTS: Array<Choice<VariableList>> = [
  {
    value: 'accounts',
    label: 'Accounts',
    description: 'The social accounts: value is the account id, text its name and kind',
  },
  {
    value: 'content',
    label: 'Content',
    description: 'LIVEs and videos, newest first (at most 1000), optionally of some accounts: value is the content id',
  },
  { value: 'stores', label: 'Stores', description: 'The stores that have orders: value and text are the store id' },
];

/** The query a new dashboard variable starts with. */
export const DEFAULT_VARIABLE_QUERY: Partial<CAQuery> = { queryType: 'variables', list: 'accounts' };

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

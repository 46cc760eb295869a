import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

// The query model and the datasource settings. The Go backend (pkg/) parses the same JSON, so
// every field name here is part of the contract between the two: rename one only on both sides.

/** The query types the plugin knows of (SPEC §4). Only those in QUERY_TYPES can be chosen in the query editor. */
export type QueryType =
  | 'buyers'
  | 'followers'
  | 'customers'
  | 'segments'
  | 'value_bands'
  | 'personas'
  | 'customer_events'
  | 'audience_growth'
  | 'clv'
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

/** An event of a customer in a period (query type customer_events). */
export type CustomerEvent = 'unique_customers' | 'customers_gained' | 'second_orders' | 'won_back' | 'saved';

/** What the customer events orders view groups the orders by. */
export type EventsGroupBy =
  | 'product'
  | 'product_category'
  | 'product_attribute'
  | 'store'
  | 'source_medium'
  | 'source_name'
  | 'source_campaign'
  | 'source_domain'
  | 'device_type'
  | 'coupon_code';

/** A dimension the contacts are split by (query type segments). */
export type CustomerDimension =
  | 'lifecycle_status'
  | 'lifecycle_stage'
  | 'frequency_band'
  | 'value_band'
  | 'email_engagement'
  | 'recency_score'
  | 'frequency_score'
  | 'monetary_score'
  | 'persona'
  | 'audience_state'
  | 'gender'
  | 'age_band'
  | 'country'
  | 'region'
  | 'device_price_band'
  | 'city'
  | 'email_opt_in'
  | 'first_order_channel'
  | 'store';

/** The time unit the predicted CLV models are fitted in (query type clv); predictions do not depend on it. */
export type CLVUnit = 'week' | 'day';

/** What the value bands snapshot measures. */
export type ValueBandsMeasure = 'contacts' | 'revenue';

/** The lists query type 'variables' returns, for dashboard variables. */
export type VariableList = 'accounts' | 'content' | 'stores' | 'dimensions' | 'dimension_values';

/** The backend resources a query option can choose ids from. */
export type ResourceList = Extract<VariableList, 'accounts' | 'stores'>;

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
  /** Rankings: how many rows, 1..1000 (default 10; customer events orders: 50). */
  topN?: number;
  /** Buyers profile (all, new, repeat); followers channels and profile (new, active). */
  group?: BuyerGroup | FollowerGroup;
  /** Followers channels. */
  channel?: FollowerChannel;
  /** Profiles; segments breakdown and matrix. */
  dimension?: ProfileDimension | CustomerDimension;
  /** Segments matrix: the second dimension, different from `dimension`. */
  dimension2?: CustomerDimension;
  /** Followers: the account ids of the account set; empty or absent means all accounts. Variables: content of these accounts. */
  accounts?: string[];
  /** Followers trend: one series per account. */
  perAccount?: boolean;
  /** Variables: which list. */
  list?: VariableList;
  /**
   * Customer events trend: the one event to show ('' = all five). Segments, value bands and
   * personas breakdowns: the one field to keep ('' or absent = every field).
   */
  metric?: string;
  /** Customer events orders: the event whose orders are grouped. */
  event?: CustomerEvent;
  /** Customer events orders: what the orders are grouped by. */
  groupBy?: EventsGroupBy;
  /** Customer events orders grouped by product_attribute: the key of products.attributes. */
  attributeKey?: string;
  /** Customer events orders: only orders of these store ids; empty or absent means every store. */
  stores?: string[];
  /** Value bands snapshot: contacts or revenue per band. */
  measure?: ValueBandsMeasure;
  /** Audience growth, popular products: the value of `dimension` whose customers are described. */
  segment?: string;
  /** Predicted CLV: the time unit of the model fit (default week). */
  unit?: CLVUnit;
  /** Predicted CLV: days ahead the prediction covers, 1..3650; 0 or absent takes the datasource's horizon. */
  horizonDays?: number;
  /** Predicted CLV customers and at-risk views: how many customers, 1..10000 (default 100). */
  limit?: number;
  /** Predicted CLV at-risk view: customers active with a probability below this, 0 < p ≤ 1 (default 0.5). */
  maxProbabilityAlive?: number;
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
  'stores',
  'comparison',
  'bucket',
  'perAccount',
  'group',
  'channel',
  'contentKind',
  'rankBy',
  'topN',
  'dimension',
  'dimension2',
  'metric',
  'event',
  'groupBy',
  'attributeKey',
  'measure',
  'segment',
  'unit',
  'horizonDays',
  'limit',
  'maxProbabilityAlive',
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
  /** The option may not hold the same value as an earlier option (e.g. a matrix's two dimensions). */
  differentFrom?: { option: OptionName; error: string };
}

/** A number within [min, max]: a whole number unless `decimal`. */
export interface NumberOption extends OptionBase {
  kind: 'number';
  min: number;
  max: number;
  default: number;
  /** Fractions are allowed (e.g. a probability); otherwise only whole numbers. */
  decimal?: boolean;
  /** min itself is not allowed: the value must be above it (e.g. a probability above 0). */
  minExclusive?: boolean;
  /** The step of the input's arrows (default 1). */
  step?: number;
}

/** On or off. */
export interface SwitchOption extends OptionBase {
  kind: 'switch';
  default: boolean;
}

/** Free text, applied when the field loses focus; may hold a dashboard variable. */
export interface TextOption extends OptionBase {
  kind: 'text';
  default: string;
  placeholder: string;
  /** If set, the backend needs a value: an empty one shows this error. */
  requiredError?: string;
}

/** A set of ids, chosen from a backend resource (e.g. `accounts`) or typed; empty means all. */
export interface ResourceListOption extends OptionBase {
  kind: 'resourceList';
  resource: ResourceList;
  default: string[];
}

export type OptionInfo = ChoiceOption | NumberOption | SwitchOption | TextOption | ResourceListOption;

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

/** The five customer events, as the customer events trend and orders views name them. */
const CUSTOMER_EVENTS: Array<Choice<CustomerEvent>> = [
  { value: 'unique_customers', label: 'Unique customers', description: 'Customers with a valid order in the period' },
  {
    value: 'customers_gained',
    label: 'Customers gained',
    description: 'Customers whose first-ever valid order is in the period',
  },
  {
    value: 'second_orders',
    label: 'Second orders',
    description: 'Customers whose second valid order is in the period',
  },
  {
    value: 'won_back',
    label: 'Won back',
    description: 'Customers who ordered at least the lapsed threshold after their previous order',
  },
  {
    value: 'saved',
    label: 'Saved',
    description: 'Customers who ordered between the at-risk and the lapsed threshold after their previous order',
  },
];

const EVENTS_GROUP_BY: Array<Choice<EventsGroupBy>> = [
  { value: 'product', label: 'Product', description: 'Each product of the order lines' },
  { value: 'product_category', label: 'Product category', description: "The category of the order lines' products" },
  {
    value: 'product_attribute',
    label: 'Product attribute',
    description: "One attribute of the order lines' products (a key of products.attributes, such as color)",
  },
  { value: 'store', label: 'Store', description: 'The store the order was placed in' },
  { value: 'source_medium', label: 'Source medium', description: "The order's traffic medium, such as cpc or email" },
  { value: 'source_name', label: 'Source name', description: "The order's traffic source, such as google" },
  { value: 'source_campaign', label: 'Source campaign', description: "The order's marketing campaign" },
  { value: 'source_domain', label: 'Source domain', description: 'The domain the order was referred from' },
  { value: 'device_type', label: 'Device type', description: 'The kind of device the order was placed on' },
  { value: 'coupon_code', label: 'Coupon code', description: 'The coupon used on the order' },
];

/** The dimensions a segment breakdown or matrix splits the contacts by, as of the period's end. */
const CUSTOMER_DIMENSIONS: Array<Choice<CustomerDimension>> = [
  {
    value: 'lifecycle_status',
    label: 'Lifecycle status',
    description: 'Active, at risk or lapsed by the time since the last order (datasource thresholds), or lead',
  },
  {
    value: 'lifecycle_stage',
    label: 'Lifecycle stage',
    description: 'Active, lapsing or inactive: the customers in thirds by their last order, or lead',
  },
  {
    value: 'frequency_band',
    label: 'Frequency',
    description: 'One-time, repeat (2 orders), loyal (3–4) or very loyal (5+) customers, or lead',
  },
  {
    value: 'value_band',
    label: 'Customer value',
    description: "Low, medium, high or very high: the customer's AOV against the shop's, or lead",
  },
  {
    value: 'email_engagement',
    label: 'Email engagement',
    description: "None, low, medium or high engagement with the emails of the last 180 days, against the shop's",
  },
  {
    value: 'recency_score',
    label: 'Recency score',
    description: 'The RFM recency score (higher: ordered more recently)',
  },
  { value: 'frequency_score', label: 'Frequency score', description: 'The RFM frequency score (higher: more orders)' },
  { value: 'monetary_score', label: 'Monetary score', description: 'The RFM monetary score (higher: more revenue)' },
  {
    value: 'persona',
    label: 'RFM persona',
    description: 'Champions, loyal customers, at risk, hibernating…: by recency and frequency scores',
  },
  {
    value: 'audience_state',
    label: 'Audience state',
    description: 'New (first order in the last 30 days), active, slipping away or lost, or lead',
  },
  { value: 'gender', label: 'Gender', description: 'Female, male, other or unknown' },
  { value: 'age_band', label: 'Age band', description: "Under 18 to 55+, or unknown; age at the period's end" },
  { value: 'country', label: 'Country', description: "The contact's country" },
  { value: 'region', label: 'Region', description: "The contact's region within their country" },
  {
    value: 'device_price_band',
    label: 'Device price band',
    description: "The price of the contact's phone, in the bands of the datasource settings",
  },
  { value: 'city', label: 'City', description: "The contact's city, with its country" },
  { value: 'email_opt_in', label: 'Email opt-in', description: 'Opted in, opted out or unknown' },
  {
    value: 'first_order_channel',
    label: 'First-order channel',
    description: "The sales channel of the customer's first valid order, or lead",
  },
  { value: 'store', label: 'Store', description: "The store of the customer's first valid order, or lead" },
];

/** The option keeping one field of a segment breakdown, for a bar chart (SPEC §4 "Segment breakdown"). */
const BREAKDOWN_METRIC_OPTION: ChoiceOption = {
  kind: 'choice',
  control: 'select',
  label: 'Field',
  description: "Keep only this figure with the segments' names, e.g. for a bar chart",
  choices: [
    { value: '', label: 'All fields', description: 'Every figure of the breakdown' },
    { value: 'contacts', label: 'Contacts', description: "Contacts (customers and leads) as of the period's end" },
    { value: 'customers', label: 'Customers', description: 'Contacts with at least one valid order' },
    { value: 'repeat_customers', label: 'Repeat customers', description: 'Customers with two or more valid orders' },
    { value: 'one_time_customers', label: 'One-time customers', description: 'Customers with exactly one valid order' },
    { value: 'orders', label: 'Total orders', description: "The customers' valid orders, over their whole history" },
    { value: 'orders_attempted', label: 'Orders attempted', description: 'Valid and invalid orders' },
    { value: 'revenue', label: 'Total CLV', description: "The revenue of the customers' valid orders" },
    { value: 'avg_clv', label: 'Average CLV', description: 'Total CLV per customer' },
    { value: 'avg_orders', label: 'Average orders', description: 'Valid orders per customer' },
    { value: 'aov', label: 'Average order value', description: 'Revenue per valid order' },
    { value: 'conversion_rate', label: 'Contact conversion rate', description: 'The share of contacts who ordered' },
    { value: 'repeat_rate', label: 'Customer repeat rate', description: 'The share of customers who ordered again' },
    { value: 'avg_recency', label: 'Average recency', description: 'Days since the last valid order, on average' },
    {
      value: 'avg_first_order_delay',
      label: 'Average first-order delay',
      description: 'Days from becoming a contact to the first valid order, on average',
    },
    {
      value: 'avg_second_order_delay',
      label: 'Average second-order delay',
      description: 'Days from the first to the second valid order, on average',
    },
    { value: 'contact_share', label: 'Share of contacts', description: "The segment's share of all contacts" },
    { value: 'revenue_share', label: 'Share of revenue', description: "The segment's share of all revenue" },
    {
      value: 'annual_orders',
      label: 'Annual orders per customer',
      description: "Valid orders in the 365 days before the period's end, per customer",
    },
    {
      value: 'annual_revenue',
      label: 'Annual revenue per customer',
      description: "Revenue in the 365 days before the period's end, per customer",
    },
    { value: 'lost_share', label: 'Lost', description: 'The share of customers who have lapsed' },
    {
      value: 'predicted_clv',
      label: 'Predicted CLV',
      description: 'Predicted revenue per customer over the horizon of the datasource settings (BG/NBD + Gamma-Gamma)',
    },
    {
      value: 'predicted_revenue',
      label: 'Predicted revenue',
      description: "The customers' predicted revenue over the horizon of the datasource settings",
    },
  ],
  default: '',
};

/** The option keeping one field of the predicted CLV segments view, for a bar chart. */
const CLV_SEGMENT_METRIC_OPTION: ChoiceOption = {
  kind: 'choice',
  control: 'select',
  label: 'Field',
  description: "Keep only this figure with the segments' names, e.g. for a bar chart",
  choices: [
    { value: '', label: 'All fields', description: 'Every figure of the predicted CLV segments' },
    { value: 'customers', label: 'Customers', description: "Customers with a valid order before the period's end" },
    {
      value: 'predicted_revenue',
      label: 'Predicted revenue',
      description: "The segment's customers' predicted revenue over the horizon",
    },
    { value: 'predicted_clv', label: 'Predicted CLV', description: 'Predicted revenue per customer over the horizon' },
    {
      value: 'predicted_revenue_share',
      label: 'Share of predicted revenue',
      description: "The segment's share of all predicted revenue",
    },
    {
      value: 'avg_p_alive',
      label: 'Average probability active',
      description: 'The probability that a customer is still active, on average',
    },
    {
      value: 'expected_orders',
      label: 'Expected orders',
      description: "The customers' expected orders over the horizon",
    },
    {
      value: 'expected_orders_per_customer',
      label: 'Expected orders per customer',
      description: 'Expected orders over the horizon, per customer',
    },
  ],
  default: '',
};

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
        kind: 'resourceList',
        resource: 'accounts',
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
    description:
      'Customers active in the period, with their whole history: orders, revenue, AOV, repurchase rate, CLV, predicted CLV',
    views: [
      {
        value: 'summary',
        label: 'Key metrics',
        description:
          'One row of metrics (customers, new, existing, orders, revenue, AOV, repurchase rate, CLV) with the comparison, and the predicted CLV and revenue of all customers',
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
  {
    value: 'customer_events',
    label: 'Customer events',
    description: 'Customers gained, second orders, won back and saved in the period, and the orders behind them',
    views: [
      {
        value: 'summary',
        label: 'Summary',
        description: 'One row per event with its customers, the comparison period and its change',
        options: ['comparison'],
      },
      {
        value: 'trend',
        label: 'Trend',
        description: 'The customers of each event per bucket, as a time series',
        options: ['bucket', 'metric', 'comparison'],
      },
      {
        value: 'new_returning_lapsed',
        label: 'New, returning, lapsed',
        description: 'New and returning customers who ordered in the period, and customers who lapsed in it',
        options: ['comparison'],
      },
      {
        value: 'orders',
        label: 'Orders',
        description: "An event's orders grouped by product, store, source or coupon: units, customers and revenue",
        options: ['event', 'groupBy', 'attributeKey', 'stores', 'topN'],
      },
    ],
    options: {
      comparison: COMPARISON_OPTION,
      bucket: BUCKET_OPTION,
      metric: {
        kind: 'choice',
        control: 'select',
        label: 'Event',
        description: 'Which event the trend shows; All events draws one series per event',
        choices: [
          { value: '', label: 'All events', description: 'One series for each of the five events' },
          ...CUSTOMER_EVENTS,
        ],
        default: '',
      },
      event: {
        kind: 'choice',
        control: 'select',
        label: 'Event',
        description: 'Whose orders the table groups: Unique customers takes every valid order of the period',
        choices: CUSTOMER_EVENTS,
        default: 'unique_customers',
      },
      groupBy: {
        kind: 'choice',
        control: 'select',
        label: 'Group by',
        description: 'The product or order property the orders are grouped by',
        choices: EVENTS_GROUP_BY,
        default: 'product',
      },
      attributeKey: {
        kind: 'text',
        label: 'Attribute key',
        description: 'The key of products.attributes whose values group the orders, such as color',
        placeholder: 'e.g. color',
        requiredError: 'Enter the attribute key to group by, such as color',
        default: '',
        when: { groupBy: ['product_attribute'] },
      },
      stores: {
        kind: 'resourceList',
        resource: 'stores',
        label: 'Stores',
        description: 'Only orders placed in these stores; none chosen means every store',
        default: [],
      },
      topN: { ...TOP_N_OPTION, description: 'How many groups to return, by revenue (1 to 1000)', default: 50 },
    },
  },
  {
    value: 'segments',
    label: 'Segments',
    description: "The contacts as of the period's end split by a customer dimension, such as lifecycle status",
    views: [
      {
        value: 'breakdown',
        label: 'Breakdown',
        description: 'Contacts, customers, orders, CLV, rates and shares per value of one dimension',
        options: ['dimension', 'metric'],
      },
      {
        value: 'matrix',
        label: 'Matrix',
        description: 'The contacts of every pair of values of two dimensions, with their share',
        options: ['dimension', 'dimension2'],
      },
    ],
    options: {
      dimension: {
        kind: 'choice',
        control: 'select',
        label: 'Dimension',
        description: 'What the contacts are split by',
        choices: CUSTOMER_DIMENSIONS,
        default: 'lifecycle_status',
      },
      dimension2: {
        kind: 'choice',
        control: 'select',
        label: 'Second dimension',
        description: "The matrix's other dimension, different from the first",
        choices: CUSTOMER_DIMENSIONS,
        default: 'value_band',
        differentFrom: {
          option: 'dimension',
          error: 'The matrix crosses two different dimensions: choose another second dimension',
        },
      },
      metric: BREAKDOWN_METRIC_OPTION,
    },
  },
  {
    value: 'value_bands',
    label: 'Value bands',
    description: "The customers by the value band of their AOV against the shop's, as of the period's end",
    views: [
      {
        value: 'snapshot',
        label: 'Snapshot',
        description: 'The contacts or the revenue of each value band, with its share',
        options: ['measure'],
      },
      {
        value: 'breakdown',
        label: 'Breakdown',
        description: 'The segment breakdown by value band: contacts, customers, orders, CLV, rates and shares',
        options: ['metric'],
      },
    ],
    options: {
      measure: {
        kind: 'choice',
        control: 'radio',
        label: 'Measure',
        description: 'What the snapshot counts per band',
        choices: [
          { value: 'contacts', label: 'Contacts', description: 'The contacts of each band, leads included' },
          { value: 'revenue', label: 'Revenue', description: "The revenue of each band's customers" },
        ],
        default: 'contacts',
      },
      metric: BREAKDOWN_METRIC_OPTION,
    },
  },
  {
    value: 'personas',
    label: 'RFM personas',
    description: "The customers by RFM persona (recency and frequency scores), as of the period's end",
    views: [
      {
        value: 'revenue',
        label: 'Revenue',
        description: 'The customers, revenue and share of revenue of each persona, with CLV, orders and AOV',
        options: [],
      },
      {
        value: 'by_stage',
        label: 'By stage',
        description: 'The customers of each persona by lifecycle stage (active, lapsing, inactive)',
        options: [],
      },
      {
        value: 'breakdown',
        label: 'Breakdown',
        description: 'The segment breakdown by persona: contacts, customers, orders, CLV, rates and shares',
        options: ['metric'],
      },
      {
        value: 'scores',
        label: 'Scores',
        description:
          'The RFM score distribution: the customers of each recency, frequency and monetary score combination',
        options: [],
      },
    ],
    options: {
      metric: BREAKDOWN_METRIC_OPTION,
    },
  },
  {
    value: 'audience_growth',
    label: 'Audience growth',
    description: 'Customers by audience state over time, active customers then and now, segment overview and products',
    views: [
      {
        value: 'states',
        label: 'Customer base growth',
        description: 'Customers by audience state (new, active, slipping away, lost) at the end of each bucket',
        options: ['bucket'],
      },
      {
        value: 'active_history',
        label: 'Active customers over time',
        description: 'Active customers at the period end and 1, 3, 6 and 12 months before',
        options: [],
      },
      {
        value: 'overview',
        label: 'Audience overview',
        description: 'Lifetime value, count, orders, basket size, annual figures and lost share per segment',
        options: ['dimension'],
      },
      {
        value: 'popular_products',
        label: 'Popular products',
        description: "The products a segment's customers bought most in the period",
        options: ['dimension', 'segment', 'topN'],
      },
    ],
    options: {
      bucket: BUCKET_OPTION,
      dimension: {
        kind: 'choice',
        control: 'select',
        label: 'Dimension',
        description: 'The customer dimension that defines the segments',
        choices: CUSTOMER_DIMENSIONS,
        default: 'audience_state',
      },
      segment: {
        kind: 'text',
        label: 'Segment',
        description: 'A value of the dimension, such as active for the audience state, or a $variable',
        placeholder: 'e.g. active',
        requiredError: 'Enter the segment: a value of the dimension, such as active',
        default: 'active',
      },
      topN: TOP_N_OPTION,
    },
  },
  {
    value: 'clv',
    label: 'Predicted CLV',
    description:
      "Each customer's predicted revenue over a horizon (BG/NBD + Gamma-Gamma), fitted on the history up to the period's end",
    views: [
      {
        value: 'customers',
        label: 'Customers',
        description:
          'The customers with the highest predicted CLV, with their history, probability active and forecast',
        options: ['limit', 'horizonDays', 'unit'],
      },
      {
        value: 'at_risk',
        label: 'At risk',
        description:
          'The most valuable customers probably lost: probability active below a bound, ranked by the value at risk',
        options: ['maxProbabilityAlive', 'limit', 'horizonDays', 'unit'],
      },
      {
        value: 'total',
        label: 'Customer base',
        description:
          "One row for every customer with a valid order before the period's end: customers, predicted revenue, predicted CLV, probability active, expected orders",
        options: ['horizonDays', 'unit'],
      },
      {
        value: 'segments',
        label: 'Segments',
        description:
          'Customers, predicted revenue, predicted CLV, probability active and expected orders per value of a dimension',
        options: ['dimension', 'metric', 'horizonDays', 'unit'],
      },
      {
        value: 'fit',
        label: 'Fit',
        description:
          "The models' fitted parameters and diagnostics: customers fitted, likelihoods, convergence, checks",
        options: ['unit'],
      },
      {
        value: 'holdout',
        label: 'Holdout',
        description:
          "Calibration/holdout check: models fitted as of the period's start, purchases in the period against the forecast",
        options: ['unit'],
      },
    ],
    options: {
      limit: {
        kind: 'number',
        label: 'Limit',
        description: 'How many customers to return, highest first (1 to 10000)',
        min: 1,
        max: 10000,
        default: 100,
      },
      maxProbabilityAlive: {
        kind: 'number',
        label: 'P(active) below',
        description:
          'Only customers whose probability of still being active is below this (above 0, at most 1; 0.5 by default)',
        min: 0,
        max: 1,
        minExclusive: true,
        decimal: true,
        step: 0.05,
        default: 0.5,
      },
      horizonDays: {
        kind: 'number',
        label: 'Horizon (days)',
        description:
          "How many days ahead the prediction covers (1 to 3650); 0 takes the datasource's predicted CLV horizon (365 days by default)",
        min: 0,
        max: 3650,
        default: 0,
      },
      dimension: {
        kind: 'choice',
        control: 'select',
        label: 'Dimension',
        description: "What the customers are split by, as of the period's end",
        choices: CUSTOMER_DIMENSIONS,
        default: 'lifecycle_status',
      },
      metric: CLV_SEGMENT_METRIC_OPTION,
      unit: {
        kind: 'choice',
        control: 'radio',
        label: 'Time unit',
        description:
          'The time unit the models are fitted in; predictions do not depend on it, the fitted parameters do',
        choices: [
          { value: 'week', label: 'Week', description: 'Fit in weeks (the usual unit)' },
          { value: 'day', label: 'Day', description: 'Fit in days' },
        ],
        default: 'week',
      },
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
  {
    value: 'dimensions',
    label: 'Dimensions',
    description: 'The customer dimensions segments split by: value is the dimension name, text its label',
  },
  {
    value: 'dimension_values',
    label: 'Dimension values',
    description: "The values of one customer dimension, as the contacts have them at the time range's end",
  },
];

/** The query a new dashboard variable starts with. */
export const DEFAULT_VARIABLE_QUERY: Partial<CAQuery> = { queryType: 'variables', list: 'accounts' };

export type SSLMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** Only fixed thresholds for now; 'auto' (derived from the shop's repurchase gaps) is planned. */
export type LifecycleThresholds = 'fixed';

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
  /** Seconds identical queries reuse a result; 0 keeps none (identical queries running at once still share one computation). */
  cacheTTLSeconds: number;
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
  /** Days ahead predicted CLV covers (1..3650), unless a query sets its own horizon. */
  clvHorizonDays: number;
  /** Yearly rate future revenue is discounted at in predicted CLV (0..1: 0.1 is 10 %); 0 means undiscounted. */
  clvDiscountRate: number;
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
  cacheTTLSeconds: 30,
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
  clvHorizonDays: 365,
  clvDiscountRate: 0,
};

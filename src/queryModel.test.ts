import {
  changeOption,
  changeQueryType,
  changeView,
  isValidValue,
  normalize,
  optionError,
  toVariableQuery,
  validateNumber,
  validateText,
  visibleOptions,
  withDefaults,
} from './queryModel';
import { CAQuery, OPTION_NAMES, OptionName, QUERY_TYPES, queryTypeInfo, TextOption, VARIABLE_LISTS } from './types';

describe('QUERY_TYPES', () => {
  const views = QUERY_TYPES.flatMap((t) => t.views.map((v) => [t, v] as const));

  it('labels and describes every query type, view, option and value', () => {
    const described = [
      ...QUERY_TYPES,
      ...views.map(([, v]) => v),
      ...QUERY_TYPES.flatMap((t) => Object.values(t.options)),
      ...QUERY_TYPES.flatMap((t) => Object.values(t.options).flatMap((o) => (o.kind === 'choice' ? o.choices : []))),
      ...VARIABLE_LISTS,
    ];
    for (const item of described) {
      expect(item.label).not.toBe('');
      expect(item.description).not.toBe('');
    }
  });

  it.each(views.map(([t, v]) => [t.value, v.value, t, v]))(
    '%s %s: defines its options, whose defaults are valid and whose conditions read earlier options',
    (_type, _view, typeInfo, view) => {
      const defaults = normalize({ refId: 'A', queryType: typeInfo.value, view: view.value });
      for (const [i, name] of view.options.entries()) {
        const info = typeInfo.options[name];
        expect(info).toBeDefined();
        expect(OPTION_NAMES).toContain(name);
        const conditions = [info!.when, ...(info!.kind === 'choice' ? info!.choices.map((c) => c.when) : [])];
        for (const when of conditions) {
          for (const other of Object.keys(when ?? {})) {
            expect(view.options.slice(0, i)).toContain(other);
          }
        }
        if (defaults[name] !== undefined) {
          expect(defaults[name]).toEqual(info!.default);
          expect(isValidValue(info!, info!.default, defaults)).toBe(true);
        }
      }
    }
  );
});

describe('QUERY_TYPES of the customer database', () => {
  it('lists the query types the editor offers', () => {
    expect(QUERY_TYPES.map((t) => [t.value, t.label])).toEqual([
      ['buyers', 'Buyers'],
      ['followers', 'Followers'],
      ['customers', 'Customer report'],
      ['customer_events', 'Customer events'],
      ['segments', 'Segments'],
      ['value_bands', 'Value bands'],
      ['personas', 'RFM personas'],
      ['audience_growth', 'Audience growth'],
      ['clv', 'Predicted CLV'],
    ]);
  });

  it.each([
    ['customer_events', ['summary', 'trend', 'new_returning_lapsed', 'orders']],
    ['segments', ['breakdown', 'matrix']],
    ['value_bands', ['snapshot', 'breakdown']],
    ['personas', ['revenue', 'by_stage', 'breakdown', 'scores']],
    ['clv', ['customers', 'at_risk', 'total', 'segments', 'fit', 'holdout']],
  ])('%s has the views %j, the first by default', (queryType, views) => {
    expect(queryTypeInfo(queryType)!.views.map((v) => v.value)).toEqual(views);
  });

  const choices = (queryType: string, option: OptionName) => {
    const info = queryTypeInfo(queryType)!.options[option];
    return info?.kind === 'choice' ? info.choices : [];
  };
  const values = (queryType: string, option: OptionName) => choices(queryType, option).map((c) => c.value);

  it('names the backend values of every choice', () => {
    const events = ['unique_customers', 'customers_gained', 'second_orders', 'won_back', 'saved'];
    expect(values('customer_events', 'metric')).toEqual(['', ...events]);
    expect(values('customer_events', 'event')).toEqual(events);
    expect(values('customer_events', 'groupBy')).toEqual([
      'product',
      'product_category',
      'product_attribute',
      'store',
      'source_medium',
      'source_name',
      'source_campaign',
      'source_domain',
      'device_type',
      'coupon_code',
    ]);
    const dimensions = [
      'lifecycle_status',
      'lifecycle_stage',
      'frequency_band',
      'value_band',
      'email_engagement',
      'recency_score',
      'frequency_score',
      'monetary_score',
      'persona',
      'audience_state',
      'gender',
      'age_band',
      'country',
      'region',
      'device_price_band',
      'city',
      'email_opt_in',
      'first_order_channel',
      'store',
    ];
    expect(values('segments', 'dimension')).toEqual(dimensions);
    expect(values('segments', 'dimension2')).toEqual(dimensions);
    expect(values('value_bands', 'measure')).toEqual(['contacts', 'revenue']);
    for (const queryType of ['segments', 'value_bands', 'personas']) {
      expect(values(queryType, 'metric')).toContain('');
      expect(values(queryType, 'metric')).toContain('revenue');
      expect(values(queryType, 'metric')).toContain('predicted_clv');
      expect(values(queryType, 'metric')).toContain('predicted_revenue');
    }
    expect(values('clv', 'dimension')).toEqual(dimensions);
    expect(values('clv', 'unit')).toEqual(['week', 'day']);
    // The numeric fields of the predicted CLV segments frame (pkg/analytics/clv_views.go).
    expect(values('clv', 'metric')).toEqual([
      '',
      'customers',
      'predicted_revenue',
      'predicted_clv',
      'predicted_revenue_share',
      'avg_p_alive',
      'expected_orders',
      'expected_orders_per_customer',
    ]);
  });

  it('bounds the predicted CLV numbers as the backend does', () => {
    const options = queryTypeInfo('clv')!.options;
    expect(options.limit).toMatchObject({ kind: 'number', min: 1, max: 10000, default: 100 });
    expect(options.horizonDays).toMatchObject({ kind: 'number', min: 0, max: 3650, default: 0 });
    expect(options.maxProbabilityAlive).toMatchObject({
      kind: 'number',
      min: 0,
      max: 1,
      minExclusive: true,
      decimal: true,
      default: 0.5,
    });
    const atRisk: CAQuery = { refId: 'A', queryType: 'clv', view: 'at_risk' };
    const p = options.maxProbabilityAlive!;
    expect(isValidValue(p, 0.25, atRisk)).toBe(true);
    expect(isValidValue(p, 1, atRisk)).toBe(true);
    expect(isValidValue(p, 0, atRisk)).toBe(false);
    expect(isValidValue(p, 1.5, atRisk)).toBe(false);
    expect(isValidValue(options.horizonDays!, 0, atRisk)).toBe(true);
    expect(isValidValue(options.horizonDays!, 90.5, atRisk)).toBe(false);
    expect(isValidValue(options.limit!, 0, atRisk)).toBe(false);
  });

  it('labels the segment dimensions as the backend names them', () => {
    const labels = Object.fromEntries(choices('segments', 'dimension').map((c) => [c.value, c.label]));
    expect(labels).toMatchObject({
      lifecycle_status: 'Lifecycle status',
      lifecycle_stage: 'Lifecycle stage',
      frequency_band: 'Frequency',
      value_band: 'Customer value',
      email_engagement: 'Email engagement',
      persona: 'RFM persona',
      audience_state: 'Audience state',
    });
  });

  it('defaults topN to 50 for the customer events orders and 10 for the rankings of buyers and followers', () => {
    expect(queryTypeInfo('customer_events')!.options.topN!.default).toBe(50);
    expect(queryTypeInfo('buyers')!.options.topN!.default).toBe(10);
    expect(queryTypeInfo('followers')!.options.topN!.default).toBe(10);
    expect(normalize({ refId: 'A', queryType: 'customer_events', view: 'orders' }).topN).toBe(50);
    expect(normalize({ refId: 'A', queryType: 'buyers', view: 'products' }).topN).toBe(10);
    // Another query type starts from its own default.
    const buyers: CAQuery = { refId: 'A', queryType: 'buyers', view: 'products', rankBy: 'all', topN: 25 };
    expect(changeView(changeQueryType(buyers, 'customer_events'), 'orders').topN).toBe(50);
  });
});

describe('normalize', () => {
  it('fills in the first view and its defaults', () => {
    expect(normalize({ refId: 'A', queryType: 'buyers' })).toEqual({
      refId: 'A',
      queryType: 'buyers',
      view: 'summary',
      comparison: 'previous_period',
    });
    expect(normalize({ refId: 'A', queryType: 'buyers', view: 'nonsense' }).view).toBe('summary');
  });

  it('drops options the view does not show and replaces invalid values', () => {
    const query = {
      refId: 'A',
      queryType: 'buyers',
      view: 'channels',
      comparison: 'offset_7d',
      contentKind: 'podcast' as never,
      rankBy: 'repeat',
      topN: 5000,
    } satisfies CAQuery;
    expect(normalize(query)).toEqual({
      refId: 'A',
      queryType: 'buyers',
      view: 'channels',
      contentKind: '',
      rankBy: 'repeat',
      topN: 10,
    });
  });

  it('keeps dashboard variables', () => {
    const query: CAQuery = {
      refId: 'A',
      queryType: 'buyers',
      view: 'profile',
      group: '$group' as never,
      dimension: '$dim' as never,
    };
    expect(normalize(query)).toEqual(query);
    const byView = { refId: 'A', queryType: 'buyers', view: '$view', topN: 3 } as CAQuery;
    expect(normalize(byView)).toBe(byView);
  });

  it('leaves query types the editor does not know alone', () => {
    const query = { refId: 'A', queryType: 'variables', list: 'stores' } as CAQuery;
    expect(normalize(query)).toBe(query);
  });

  it('offers each followers channel only for its group, and content options only for content rankings', () => {
    const base: CAQuery = { refId: 'A', queryType: 'followers', view: 'channels', accounts: ['1'] };
    expect(normalize({ ...base, group: 'active', channel: 'content', topN: 5 })).toEqual({
      ...base,
      group: 'active',
      channel: 'source',
    });
    expect(normalize({ ...base, group: 'active', channel: 'viewed_content', topN: 5 })).toEqual({
      ...base,
      group: 'active',
      channel: 'viewed_content',
      contentKind: '',
      topN: 5,
    });
  });
});

describe('changing a query', () => {
  const channels: CAQuery = {
    refId: 'A',
    queryType: 'buyers',
    view: 'channels',
    contentKind: 'live',
    rankBy: 'new',
    topN: 25,
    hide: false,
  };

  it('resets every option when the query type changes', () => {
    expect(changeQueryType(channels, 'followers')).toEqual({
      refId: 'A',
      hide: false,
      queryType: 'followers',
      view: 'summary',
      accounts: [],
      comparison: 'previous_period',
    });
  });

  it('keeps the options the new view shares when the view changes', () => {
    expect(changeView(channels, 'products')).toEqual({
      refId: 'A',
      hide: false,
      queryType: 'buyers',
      view: 'products',
      rankBy: 'new',
      topN: 25,
    });
    expect(changeView(channels, 'summary')).toEqual({
      refId: 'A',
      hide: false,
      queryType: 'buyers',
      view: 'summary',
      comparison: 'previous_period',
    });
  });

  it('brings dependent options back to valid values when an option changes', () => {
    const query: CAQuery = { refId: 'A', queryType: 'followers', view: 'channels', group: 'new', channel: 'content' };
    expect(changeOption(withDefaults(query), 'group', 'active')).toEqual({
      refId: 'A',
      queryType: 'followers',
      view: 'channels',
      accounts: [],
      group: 'active',
      channel: 'source',
    });
  });
});

describe('visibleOptions', () => {
  const names = (query: CAQuery) => visibleOptions(withDefaults(query)).map(([name]) => name);

  it.each<[Partial<CAQuery>, string[]]>([
    [{ queryType: 'buyers' }, ['comparison']],
    [{ queryType: 'buyers', view: 'trend' }, ['bucket', 'comparison']],
    [{ queryType: 'buyers', view: 'channels' }, ['contentKind', 'rankBy', 'topN']],
    [{ queryType: 'buyers', view: 'products' }, ['rankBy', 'topN']],
    [{ queryType: 'buyers', view: 'profile' }, ['group', 'dimension']],
    [{ queryType: 'followers', view: 'summary' }, ['accounts', 'comparison']],
    [{ queryType: 'followers', view: 'trend' }, ['accounts', 'bucket', 'perAccount', 'comparison']],
    [{ queryType: 'followers', view: 'channels' }, ['accounts', 'group', 'channel']],
    [
      { queryType: 'followers', view: 'channels', channel: 'content' },
      ['accounts', 'group', 'channel', 'contentKind', 'topN'],
    ],
    [
      { queryType: 'followers', view: 'channels', channel: '$ch' as never },
      ['accounts', 'group', 'channel', 'contentKind', 'topN'],
    ],
    [{ queryType: 'followers', view: 'profile' }, ['accounts', 'group', 'dimension']],
    [{ queryType: 'customer_events' }, ['comparison']],
    [{ queryType: 'customer_events', view: 'trend' }, ['bucket', 'metric', 'comparison']],
    [{ queryType: 'customer_events', view: 'new_returning_lapsed' }, ['comparison']],
    [{ queryType: 'customer_events', view: 'orders' }, ['event', 'groupBy', 'stores', 'topN']],
    [
      { queryType: 'customer_events', view: 'orders', groupBy: 'product_attribute' },
      ['event', 'groupBy', 'attributeKey', 'stores', 'topN'],
    ],
    [{ queryType: 'segments' }, ['dimension', 'metric']],
    [{ queryType: 'segments', view: 'matrix' }, ['dimension', 'dimension2']],
    [{ queryType: 'value_bands' }, ['measure']],
    [{ queryType: 'value_bands', view: 'breakdown' }, ['metric']],
    [{ queryType: 'personas' }, []],
    [{ queryType: 'personas', view: 'by_stage' }, []],
    [{ queryType: 'personas', view: 'breakdown' }, ['metric']],
    [{ queryType: 'personas', view: 'scores' }, []],
    [{ queryType: 'clv' }, ['limit', 'horizonDays', 'unit']],
    [{ queryType: 'clv', view: 'at_risk' }, ['maxProbabilityAlive', 'limit', 'horizonDays', 'unit']],
    [{ queryType: 'clv', view: 'segments' }, ['dimension', 'metric', 'horizonDays', 'unit']],
    [{ queryType: 'clv', view: 'total' }, ['horizonDays', 'unit']],
    [{ queryType: 'clv', view: 'fit' }, ['unit']],
    [{ queryType: 'clv', view: 'holdout' }, ['unit']],
    [{ queryType: '$type' as never }, []],
  ])('%j shows %j', (query, expected) => {
    expect(names({ refId: 'A', ...query })).toEqual(expected);
  });
});

describe('the new query types', () => {
  const orders: CAQuery = { refId: 'A', queryType: 'customer_events', view: 'orders' };

  it('fills in the defaults of each view', () => {
    expect(normalize({ refId: 'A', queryType: 'customer_events' })).toEqual({
      refId: 'A',
      queryType: 'customer_events',
      view: 'summary',
      comparison: 'previous_period',
    });
    expect(normalize({ refId: 'A', queryType: 'customer_events', view: 'trend' })).toEqual({
      refId: 'A',
      queryType: 'customer_events',
      view: 'trend',
      bucket: 'auto',
      metric: '',
      comparison: 'previous_period',
    });
    expect(normalize(orders)).toEqual({
      ...orders,
      event: 'unique_customers',
      groupBy: 'product',
      stores: [],
      topN: 50,
    });
    expect(normalize({ refId: 'A', queryType: 'segments' })).toEqual({
      refId: 'A',
      queryType: 'segments',
      view: 'breakdown',
      dimension: 'lifecycle_status',
      metric: '',
    });
    expect(normalize({ refId: 'A', queryType: 'segments', view: 'matrix' })).toEqual({
      refId: 'A',
      queryType: 'segments',
      view: 'matrix',
      dimension: 'lifecycle_status',
      dimension2: 'value_band',
    });
    expect(normalize({ refId: 'A', queryType: 'value_bands' })).toEqual({
      refId: 'A',
      queryType: 'value_bands',
      view: 'snapshot',
      measure: 'contacts',
    });
    expect(normalize({ refId: 'A', queryType: 'value_bands', view: 'breakdown' })).toEqual({
      refId: 'A',
      queryType: 'value_bands',
      view: 'breakdown',
      metric: '',
    });
    expect(normalize({ refId: 'A', queryType: 'personas' })).toEqual({
      refId: 'A',
      queryType: 'personas',
      view: 'revenue',
    });
  });

  it('keeps the attribute key only while the orders are grouped by a product attribute', () => {
    const byAttribute = normalize({
      ...orders,
      groupBy: 'product_attribute',
      attributeKey: 'color',
      stores: ['london'],
    });
    expect(byAttribute).toMatchObject({ groupBy: 'product_attribute', attributeKey: 'color', stores: ['london'] });
    expect(changeOption(byAttribute, 'groupBy', 'store')).toEqual({
      ...orders,
      event: 'unique_customers',
      groupBy: 'store',
      stores: ['london'],
      topN: 50,
    });
    expect(changeOption(normalize(orders), 'groupBy', 'product_attribute').attributeKey).toBe('');
    // A dashboard variable may be any grouping, so the key stays.
    expect(normalize({ ...orders, groupBy: '$by' as never, attributeKey: '$key' })).toMatchObject({
      groupBy: '$by',
      attributeKey: '$key',
    });
  });

  it('replaces invalid values of the new options', () => {
    expect(
      normalize({
        ...orders,
        event: 'nonsense' as never,
        groupBy: 'weather' as never,
        stores: 'london' as never,
        topN: 0,
        dimension: 'gender',
      })
    ).toEqual({ ...orders, event: 'unique_customers', groupBy: 'product', stores: [], topN: 50 });
    expect(normalize({ refId: 'A', queryType: 'value_bands', measure: 'orders' as never }).measure).toBe('contacts');
    // Segments offer the customer dimensions, not the profile-only ones.
    expect(normalize({ refId: 'A', queryType: 'segments', dimension: 'follower_status' }).dimension).toBe(
      'lifecycle_status'
    );
  });

  it('keeps a matrix of one dimension with itself, which the editor reports', () => {
    const matrix: CAQuery = {
      refId: 'A',
      queryType: 'segments',
      view: 'matrix',
      dimension: 'value_band',
      dimension2: 'value_band',
    };
    expect(normalize(matrix)).toEqual(matrix);
    const info = queryTypeInfo('segments')!.options.dimension2!;
    expect(optionError(info, 'value_band', matrix)).toBe(
      'The matrix crosses two different dimensions: choose another second dimension'
    );
    expect(optionError(info, 'gender', matrix)).toBeUndefined();
    expect(optionError(queryTypeInfo('segments')!.options.dimension!, 'value_band', matrix)).toBeUndefined();
  });

  it('checks the attribute key is given', () => {
    const info = queryTypeInfo('customer_events')!.options.attributeKey as TextOption;
    const query: CAQuery = { ...orders, groupBy: 'product_attribute' };
    expect(optionError(info, '', query)).toBe('Enter the attribute key to group by, such as color');
    expect(validateText('  ', info)).toBe('Enter the attribute key to group by, such as color');
    expect(validateText('color', info)).toBeUndefined();
    expect(validateText('$key', info)).toBeUndefined();
    expect(isValidValue(info, 'color', query)).toBe(true);
    expect(isValidValue(info, 3, query)).toBe(false);
  });

  it('accepts lists of ids for stores', () => {
    const info = queryTypeInfo('customer_events')!.options.stores!;
    expect(info).toMatchObject({ kind: 'resourceList', resource: 'stores', default: [] });
    expect(isValidValue(info, ['london', '$store'], orders)).toBe(true);
    expect(isValidValue(info, [1], orders)).toBe(false);
    expect(isValidValue(info, 'london', orders)).toBe(false);
  });
});

describe('predicted CLV', () => {
  it('fills in the defaults of each view', () => {
    const clv = (view?: string) => normalize({ refId: 'A', queryType: 'clv', view });
    expect(clv()).toEqual({
      refId: 'A',
      queryType: 'clv',
      view: 'customers',
      limit: 100,
      horizonDays: 0,
      unit: 'week',
    });
    expect(clv('at_risk')).toEqual({
      refId: 'A',
      queryType: 'clv',
      view: 'at_risk',
      maxProbabilityAlive: 0.5,
      limit: 100,
      horizonDays: 0,
      unit: 'week',
    });
    expect(clv('segments')).toEqual({
      refId: 'A',
      queryType: 'clv',
      view: 'segments',
      dimension: 'lifecycle_status',
      metric: '',
      horizonDays: 0,
      unit: 'week',
    });
    expect(clv('total')).toEqual({ refId: 'A', queryType: 'clv', view: 'total', horizonDays: 0, unit: 'week' });
    expect(clv('fit')).toEqual({ refId: 'A', queryType: 'clv', view: 'fit', unit: 'week' });
    expect(clv('holdout')).toEqual({ refId: 'A', queryType: 'clv', view: 'holdout', unit: 'week' });
  });

  it('keeps the options the views share and replaces invalid values', () => {
    const atRisk: CAQuery = {
      refId: 'A',
      queryType: 'clv',
      view: 'at_risk',
      maxProbabilityAlive: 0.2,
      limit: 25,
      horizonDays: 730,
      unit: 'day',
    };
    expect(changeView(atRisk, 'customers')).toEqual({
      refId: 'A',
      queryType: 'clv',
      view: 'customers',
      limit: 25,
      horizonDays: 730,
      unit: 'day',
    });
    expect(changeView(atRisk, 'fit')).toEqual({ refId: 'A', queryType: 'clv', view: 'fit', unit: 'day' });
    expect(
      normalize({ ...atRisk, maxProbabilityAlive: 0, limit: 20000, horizonDays: 5000, unit: 'month' as never })
    ).toEqual({ ...atRisk, maxProbabilityAlive: 0.5, limit: 100, horizonDays: 0, unit: 'week' });
    // The predicted CLV segments keep only their own fields.
    const segments: CAQuery = { refId: 'A', queryType: 'clv', view: 'segments', metric: 'contacts' };
    expect(normalize(segments).metric).toBe('');
    expect(normalize({ ...segments, metric: 'avg_p_alive' }).metric).toBe('avg_p_alive');
    expect(normalize({ ...segments, dimension: 'persona', unit: '$unit' as never })).toMatchObject({
      dimension: 'persona',
      unit: '$unit',
    });
  });
});

describe('validateNumber', () => {
  it.each([
    [10, undefined],
    ['1', undefined],
    ['1000', undefined],
    ['0', 'Enter a whole number from 1 to 1000'],
    ['1001', 'Enter a whole number from 1 to 1000'],
    ['2.5', 'Enter a whole number from 1 to 1000'],
    ['', 'Enter a whole number from 1 to 1000'],
    [undefined, 'Enter a whole number from 1 to 1000'],
  ])('%j: %s', (value, expected) => {
    expect(validateNumber(value, 1, 1000)).toBe(expected);
  });

  it.each([
    [0.5, undefined],
    ['0.05', undefined],
    ['1', undefined],
    ['0', 'Enter a number above 0 and at most 1'],
    ['-0.1', 'Enter a number above 0 and at most 1'],
    ['1.01', 'Enter a number above 0 and at most 1'],
    ['', 'Enter a number above 0 and at most 1'],
    ['abc', 'Enter a number above 0 and at most 1'],
  ])('a probability, %j: %s', (value, expected) => {
    expect(validateNumber(value, 0, 1, { decimal: true, minExclusive: true })).toBe(expected);
  });

  it('accepts fractions only when asked to', () => {
    expect(validateNumber('2.5', 0, 10, { decimal: true })).toBeUndefined();
    expect(validateNumber('11', 0, 10, { decimal: true })).toBe('Enter a number from 0 to 10');
    expect(validateNumber('0', 0, 10, { minExclusive: true })).toBe('Enter a whole number above 0 and at most 10');
  });
});

describe('toVariableQuery', () => {
  it.each<[unknown, CAQuery]>([
    ['', { refId: 'variables', queryType: 'variables', list: 'accounts' }],
    [undefined, { refId: 'variables', queryType: 'variables', list: 'accounts' }],
    [
      { refId: 'A', list: 'stores', accounts: ['1'] },
      { refId: 'A', queryType: 'variables', list: 'stores' },
    ],
    [
      { refId: 'A', queryType: 'buyers', view: 'summary', list: 'content', accounts: ['$account'] },
      { refId: 'A', queryType: 'variables', list: 'content', accounts: ['$account'] },
    ],
    [
      { refId: 'A', list: 'content', accounts: [] },
      { refId: 'A', queryType: 'variables', list: 'content' },
    ],
  ])('%j', (query, expected) => {
    expect(toVariableQuery(query as CAQuery)).toEqual(expected);
  });
});

describe('audience growth', () => {
  it('shows the segment and top N only for popular products', () => {
    const info = QUERY_TYPES.find((t) => t.value === 'audience_growth')!;
    const views = Object.fromEntries(info.views.map((v) => [v.value, v.options]));
    expect(views).toEqual({
      states: ['bucket'],
      active_history: [],
      overview: ['dimension'],
      popular_products: ['dimension', 'segment', 'topN'],
    });
    expect(info.options.dimension?.default).toBe('audience_state');
  });
});

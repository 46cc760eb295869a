import {
  changeOption,
  changeQueryType,
  changeView,
  isValidValue,
  normalize,
  toVariableQuery,
  validateNumber,
  visibleOptions,
  withDefaults,
} from './queryModel';
import { CAQuery, OPTION_NAMES, QUERY_TYPES, VARIABLE_LISTS } from './types';

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
    [{ queryType: '$type' as never }, []],
  ])('%j shows %j', (query, expected) => {
    expect(names({ refId: 'A', ...query })).toEqual(expected);
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

import {
  CAQuery,
  Condition,
  DEFAULT_VARIABLE_QUERY,
  NumberOption,
  OptionChoice,
  OptionInfo,
  OptionName,
  OPTION_NAMES,
  QueryType,
  queryTypeInfo,
  TextOption,
  ViewInfo,
} from './types';

// What QUERY_TYPES implies for one query: which options apply, what they default to, and how a
// query is brought back to a valid one when its query type, view or an option changes.

/** Whether a value is (or contains) a dashboard variable, to be interpolated when the query runs. */
export function isTemplateVariable(value: unknown): value is string {
  return typeof value === 'string' && value.includes('$');
}

/** The entry of the query's view in QUERY_TYPES, or undefined for an unknown query type or view. */
export function viewInfo(query: Pick<CAQuery, 'queryType' | 'view'>): ViewInfo | undefined {
  return queryTypeInfo(query.queryType)?.views.find((v) => v.value === query.view);
}

/** Whether the query meets a condition; an option holding a dashboard variable meets any. */
export function meets(query: CAQuery, when: Condition | undefined): boolean {
  return Object.entries(when ?? {}).every(([name, values]) => {
    const value = query[name as OptionName];
    return isTemplateVariable(value) || values.includes(String(value));
  });
}

/** The values of a choice option the query may take, given its other options. */
export function availableChoices(info: OptionInfo, query: CAQuery): OptionChoice[] {
  return info.kind === 'choice' ? info.choices.filter((c) => meets(query, c.when)) : [];
}

/** Whether a value is one an option accepts for this query. */
export function isValidValue(info: OptionInfo, value: unknown, query: CAQuery): boolean {
  switch (info.kind) {
    case 'choice':
      return isTemplateVariable(value) || availableChoices(info, query).some((c) => c.value === value);
    case 'number':
      return validateNumber(value, info.min, info.max, info) === undefined;
    case 'switch':
      return typeof value === 'boolean';
    case 'text':
      return typeof value === 'string';
    case 'resourceList':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
  }
}

/**
 * What is wrong with an option's value given the query's other options, or undefined. Such a
 * value is kept (the editor shows the error, the backend would refuse it) rather than replaced.
 */
export function optionError(info: OptionInfo, value: unknown, query: CAQuery): string | undefined {
  switch (info.kind) {
    case 'choice':
      if (info.differentFrom && typeof value === 'string' && value === query[info.differentFrom.option]) {
        return info.differentFrom.error;
      }
      return undefined;
    case 'text':
      return validateText(value, info);
    default:
      return undefined;
  }
}

/** Why a text option's value is not acceptable (an empty required one), or undefined if it is. */
export function validateText(value: unknown, info: TextOption): string | undefined {
  if (info.requiredError !== undefined && (typeof value !== 'string' || value.trim() === '')) {
    return info.requiredError;
  }
  return undefined;
}

/**
 * Why a value is not a number within [min, max] (a whole number unless `decimal`; above min if
 * `minExclusive`), or undefined if it is.
 */
export function validateNumber(
  value: unknown,
  min: number,
  max: number,
  { decimal = false, minExclusive = false }: Pick<NumberOption, 'decimal' | 'minExclusive'> = {}
): string | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  const ok =
    typeof n === 'number' &&
    Number.isFinite(n) &&
    (decimal || Number.isInteger(n)) &&
    (minExclusive ? n > min : n >= min) &&
    n <= max;
  if (ok) {
    return undefined;
  }
  const what = decimal ? 'a number' : 'a whole number';
  return minExclusive ? `Enter ${what} above ${min} and at most ${max}` : `Enter ${what} from ${min} to ${max}`;
}

/**
 * The options the query's view shows, in order, with their definitions. An option whose `when`
 * the query does not meet is left out. Options missing from the query count at their defaults.
 */
export function visibleOptions(query: CAQuery): Array<[OptionName, OptionInfo]> {
  const typeInfo = queryTypeInfo(query.queryType);
  const view = viewInfo(query);
  if (!typeInfo || !view) {
    return [];
  }
  const effective: CAQuery = { ...query };
  const out: Array<[OptionName, OptionInfo]> = [];
  for (const name of view.options) {
    const info = typeInfo.options[name];
    if (info && meets(effective, info.when)) {
      out.push([name, info]);
      if (effective[name] === undefined) {
        setOption(effective, name, info.default);
      }
    }
  }
  return out;
}

/**
 * The query as the backend reads it: a missing view is the first view of the query type, and each
 * visible option the query leaves out is at its default. Nothing else changes.
 */
export function withDefaults(query: CAQuery): CAQuery {
  const out: CAQuery = { ...query };
  const firstView = queryTypeInfo(query.queryType)?.views[0];
  if (firstView && (out.view === undefined || out.view === '')) {
    out.view = firstView.value;
  }
  for (const [name, info] of visibleOptions(out)) {
    if (out[name] === undefined) {
      setOption(out, name, info.default);
    }
  }
  return out;
}

/**
 * The query made valid for its query type: an unknown view becomes the first view; each option
 * the view shows keeps its value if still valid and otherwise takes its default; options the view
 * does not show are dropped. A query type or view the editor does not know (e.g. a dashboard
 * variable) leaves the query as it is.
 */
export function normalize(query: CAQuery): CAQuery {
  const typeInfo = queryTypeInfo(query.queryType);
  if (!typeInfo || isTemplateVariable(query.view)) {
    return query;
  }
  const view = typeInfo.views.find((v) => v.value === query.view) ?? typeInfo.views[0];
  const out: CAQuery = { ...query, view: view.value };
  for (const name of OPTION_NAMES) {
    delete out[name];
  }
  // Options are settled in the view's order, so a condition reads options settled before it.
  for (const name of view.options) {
    const info = typeInfo.options[name];
    if (!info || !meets(out, info.when)) {
      continue;
    }
    const value = query[name];
    setOption(out, name, isValidValue(info, value, out) ? value : info.default);
  }
  return out;
}

/** The query switched to another query type: its first view, with every option at its default. */
export function changeQueryType(query: CAQuery, queryType: QueryType): CAQuery {
  const out: CAQuery = { ...query, queryType };
  delete out.view;
  for (const name of OPTION_NAMES) {
    delete out[name];
  }
  return normalize(out);
}

/** The query switched to another view: options the new view shares keep valid values, others take defaults. */
export function changeView(query: CAQuery, view: string): CAQuery {
  return normalize({ ...query, view });
}

/**
 * The query with one option changed, and the options that depend on it brought back to valid
 * values; a value the option does not accept gives its default.
 */
export function changeOption(query: CAQuery, name: OptionName, value: unknown): CAQuery {
  return normalize({ ...query, [name]: value });
}

function setOption(query: CAQuery, name: OptionName, value: unknown) {
  (query as Record<OptionName, unknown>)[name] = Array.isArray(value) ? [...value] : value;
}

/**
 * A dashboard variable's query as the backend expects it: query type 'variables', a list, and the
 * accounts only for the content list. Grafana hands a new variable an empty string, and merges the
 * panel's default query into saved ones; both come out clean.
 */
export function toVariableQuery(query: Partial<CAQuery> | string | null | undefined): CAQuery {
  const q: Partial<CAQuery> = typeof query === 'object' && query !== null ? query : {};
  const out: CAQuery = {
    refId: q.refId || 'variables',
    queryType: 'variables',
    list: q.list || DEFAULT_VARIABLE_QUERY.list,
  };
  if (out.list === 'content' && Array.isArray(q.accounts) && q.accounts.length > 0) {
    out.accounts = q.accounts;
  }
  if (out.list === 'dimension_values') {
    out.dimension = q.dimension || 'lifecycle_status';
  }
  return out;
}

import React from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, RadioButtonGroup, Select, Stack } from '@grafana/ui';

import { DataSource } from '../datasource';
import {
  CAOptions,
  CAQuery,
  Choice,
  COMPARISONS,
  Comparison,
  DEFAULT_QUERY,
  QUERY_TYPES,
  queryTypeInfo,
} from '../types';

type Props = QueryEditorProps<DataSource, CAQuery, CAOptions>;

const LABEL_WIDTH = 16;

/** Options for a Select, plus the current value if it is not one of them (e.g. a `$variable`). */
function selectOptions<T extends string>(choices: Array<Choice<T>>, current: string | undefined): SelectableValue[] {
  const options: SelectableValue[] = choices.map((c) => ({
    value: c.value,
    label: c.label,
    description: c.description,
  }));
  if (current && !choices.some((c) => c.value === current)) {
    options.push({ value: current, label: current });
  }
  return options;
}

/** Picks what to compute: the query type, its view, and the period to compare with. */
export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const typeInfo = queryTypeInfo(query.queryType);
  const views = typeInfo?.views ?? [];
  const comparison = query.comparison ?? DEFAULT_QUERY.comparison;

  const update = (patch: Partial<CAQuery>) => {
    onChange({ ...query, ...patch });
    onRunQuery();
  };

  const onQueryTypeChange = (selected: SelectableValue<string>) => {
    const next = queryTypeInfo(selected.value);
    update({
      queryType: selected.value as CAQuery['queryType'],
      // Keep the view if the new query type has it too, otherwise take its first view.
      view: next?.views.some((v) => v.value === query.view) ? query.view : next?.views[0]?.value,
    });
  };

  return (
    <Stack gap={1} wrap="wrap">
      <InlineField
        label="Query type"
        labelWidth={LABEL_WIDTH}
        tooltip="What to compute, e.g. Buyers: new and repeat buyers in the selected period"
      >
        <Select
          inputId="ca-query-queryType"
          aria-label="Query type"
          options={selectOptions(QUERY_TYPES, query.queryType)}
          value={query.queryType ?? null}
          onChange={onQueryTypeChange}
          placeholder="Choose a query type"
          width={24}
        />
      </InlineField>
      {views.length > 0 && (
        <InlineField label="View" labelWidth={LABEL_WIDTH} tooltip="Which figures of the query type to show">
          <RadioButtonGroup
            id="ca-query-view"
            aria-label="View"
            options={views.map((v) => ({ value: v.value, label: v.label, description: v.description }))}
            value={query.view}
            onChange={(view) => update({ view })}
          />
        </InlineField>
      )}
      <InlineField
        label="Compare with"
        labelWidth={LABEL_WIDTH}
        tooltip="The period the selected time range is compared with for the change columns"
      >
        <Select
          inputId="ca-query-comparison"
          aria-label="Compare with"
          options={selectOptions(COMPARISONS, comparison)}
          value={comparison}
          onChange={(selected: SelectableValue<string>) => update({ comparison: selected.value as Comparison })}
          width={24}
        />
      </InlineField>
    </Stack>
  );
}

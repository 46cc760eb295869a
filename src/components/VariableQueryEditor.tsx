import React from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, RadioButtonGroup, Select } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { toVariableQuery } from '../queryModel';
import { CAOptions, CAQuery, CustomerDimension, QUERY_TYPES, VARIABLE_LISTS } from '../types';
import { ResourceListField } from './ResourceListField';

type Props = QueryEditorProps<DataSource, CAQuery, CAOptions, CAQuery>;

const LABEL_WIDTH = 16;

/** The customer dimensions, as the segments query type offers them. */
const DIMENSION_CHOICES = (() => {
  const opt = QUERY_TYPES.find((t) => t.value === 'segments')?.options.dimension;
  return opt && opt.kind === 'choice'
    ? opt.choices.map((c) => ({ value: c.value, label: c.label, description: c.description }))
    : [];
})();

/**
 * The query of a dashboard variable: which list (accounts, content, stores) to take its values
 * from, and for content, optionally the accounts it belongs to (may be `$account`, for chained variables).
 */
export function VariableQueryEditor({ datasource, query, onChange }: Props) {
  const current = toVariableQuery(query);
  const listInfo = VARIABLE_LISTS.find((l) => l.value === current.list);
  return (
    <InlineFieldRow>
      <InlineField
        label="List"
        labelWidth={LABEL_WIDTH}
        tooltip={listInfo?.description ?? 'Which list the variable takes its values from'}
      >
        <RadioButtonGroup
          aria-label="List"
          options={VARIABLE_LISTS.map((l) => ({ value: l.value, label: l.label, description: l.description }))}
          value={current.list}
          onChange={(list) => onChange(toVariableQuery({ ...current, list }))}
        />
      </InlineField>
      {current.list === 'dimension_values' && (
        <InlineField label="Dimension" labelWidth={LABEL_WIDTH} tooltip="The customer dimension whose values to list">
          <Select
            aria-label="Dimension"
            width={28}
            options={DIMENSION_CHOICES}
            value={current.dimension}
            onChange={(v) => onChange(toVariableQuery({ ...current, dimension: v.value as CustomerDimension }))}
          />
        </InlineField>
      )}
      {current.list === 'content' && (
        <ResourceListField
          datasource={datasource}
          resource="accounts"
          id={`ca-variable-${current.refId}-accounts`}
          label="Accounts"
          tooltip="Only content of these accounts; none chosen means all accounts"
          labelWidth={LABEL_WIDTH}
          value={current.accounts ?? []}
          onChange={(accounts) => onChange(toVariableQuery({ ...current, accounts }))}
        />
      )}
    </InlineFieldRow>
  );
}

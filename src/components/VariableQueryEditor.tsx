import React from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, RadioButtonGroup } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { toVariableQuery } from '../queryModel';
import { CAOptions, CAQuery, VARIABLE_LISTS } from '../types';
import { ResourceListField } from './ResourceListField';

type Props = QueryEditorProps<DataSource, CAQuery, CAOptions, CAQuery>;

const LABEL_WIDTH = 16;

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

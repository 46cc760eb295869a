import React, { useState } from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, InlineSwitch, Input, RadioButtonGroup, Select } from '@grafana/ui';

import { DataSource } from '../datasource';
import {
  availableChoices,
  changeOption,
  changeQueryType,
  changeView,
  isTemplateVariable,
  optionError,
  validateNumber,
  validateText,
  visibleOptions,
  withDefaults,
} from '../queryModel';
import {
  CAOptions,
  CAQuery,
  Choice,
  NumberOption,
  OptionInfo,
  OptionName,
  QUERY_TYPES,
  queryTypeInfo,
  TextOption,
} from '../types';
import { ResourceListField } from './ResourceListField';

type Props = QueryEditorProps<DataSource, CAQuery, CAOptions>;

const LABEL_WIDTH = 16;

/** Options for a Select or radio group, plus the current value if it is not one of them (e.g. a `$variable`). */
function choiceOptions(choices: Choice[], current: unknown): Array<SelectableValue<string>> {
  const options: Array<SelectableValue<string>> = choices.map((c) => ({
    value: c.value,
    label: c.label,
    description: c.description,
  }));
  if (typeof current === 'string' && current !== '' && !choices.some((c) => c.value === current)) {
    const description = isTemplateVariable(current) ? 'Dashboard variable' : 'Not a value this query type knows';
    options.push({ value: current, label: current, description });
  }
  return options;
}

/**
 * Picks what to compute: the query type, its view, and the options of that view (QUERY_TYPES
 * says which). Every change runs the query; changing the query type or view resets the options.
 */
export function QueryEditor({ datasource, query, onChange, onRunQuery }: Props) {
  const typeInfo = queryTypeInfo(query.queryType);
  const shown = withDefaults(query);
  const idPrefix = `ca-${query.refId}`;

  const apply = (next: CAQuery) => {
    onChange(next);
    onRunQuery();
  };

  return (
    <>
      <InlineFieldRow>
        <InlineField
          label="Query type"
          labelWidth={LABEL_WIDTH}
          tooltip="What to compute, e.g. Buyers: new and repeat buyers in the selected period"
        >
          <Select
            inputId={`${idPrefix}-queryType`}
            aria-label="Query type"
            options={choiceOptions(QUERY_TYPES, query.queryType)}
            value={query.queryType ?? null}
            onChange={(selected: SelectableValue<string>) => {
              // Choosing the query type again keeps the options; another one starts from its defaults.
              if (selected.value !== query.queryType) {
                apply(changeQueryType(query, selected.value as NonNullable<CAQuery['queryType']>));
              }
            }}
            placeholder="Choose a query type"
            width={24}
          />
        </InlineField>
        {typeInfo && (
          <InlineField label="View" labelWidth={LABEL_WIDTH} tooltip="Which figures of the query type to show">
            <RadioButtonGroup
              aria-label="View"
              options={choiceOptions(typeInfo.views, shown.view)}
              value={shown.view}
              onChange={(view) => apply(changeView(query, view))}
            />
          </InlineField>
        )}
      </InlineFieldRow>
      <InlineFieldRow>
        {visibleOptions(shown).map(([name, info]) => (
          <OptionField
            key={name}
            id={`${idPrefix}-${name}`}
            name={name}
            info={info}
            query={shown}
            datasource={datasource}
            onChange={(value) => apply(changeOption(query, name, value))}
          />
        ))}
      </InlineFieldRow>
    </>
  );
}

interface OptionFieldProps {
  id: string;
  name: OptionName;
  info: OptionInfo;
  /** The query with defaults filled in. */
  query: CAQuery;
  datasource: DataSource;
  onChange: (value: unknown) => void;
}

/** One option of the view, with the control its kind calls for. */
function OptionField({ id, name, info, query, datasource, onChange }: OptionFieldProps) {
  const value = query[name];
  switch (info.kind) {
    case 'resourceList':
      return (
        <ResourceListField
          datasource={datasource}
          resource={info.resource}
          id={id}
          label={info.label}
          tooltip={info.description}
          labelWidth={LABEL_WIDTH}
          value={Array.isArray(value) ? value : []}
          onChange={onChange}
        />
      );
    case 'switch':
      return (
        <InlineField label={info.label} labelWidth={LABEL_WIDTH} tooltip={info.description}>
          <InlineSwitch
            id={id}
            value={value === true}
            onChange={(e: React.FormEvent<HTMLInputElement>) => onChange(e.currentTarget.checked)}
          />
        </InlineField>
      );
    case 'number':
      // Remount when the query's value changes elsewhere (e.g. a view change), to show it.
      return <NumberField key={String(value)} id={id} info={info} value={value} onChange={onChange} />;
    case 'text':
      return <TextField key={String(value)} id={id} info={info} value={value} onChange={onChange} />;
    case 'choice': {
      const options = choiceOptions(availableChoices(info, query), value);
      const error = optionError(info, value, query);
      return (
        <InlineField
          label={info.label}
          labelWidth={LABEL_WIDTH}
          tooltip={info.description}
          invalid={error !== undefined}
          error={error}
        >
          {info.control === 'radio' ? (
            <RadioButtonGroup aria-label={info.label} options={options} value={value as string} onChange={onChange} />
          ) : (
            <Select
              inputId={id}
              aria-label={info.label}
              options={options}
              value={value as string}
              onChange={(selected: SelectableValue<string>) => onChange(selected.value)}
              width={24}
            />
          )}
        </InlineField>
      );
    }
  }
}

interface NumberFieldProps {
  id: string;
  info: NumberOption;
  value: unknown;
  onChange: (value: number) => void;
}

/**
 * A number (whole unless the option allows fractions), checked as it is typed and applied when the
 * field loses focus, if valid.
 */
function NumberField({ id, info, value, onChange }: NumberFieldProps) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const error = validateNumber(text, info.min, info.max, info);
  return (
    <InlineField
      label={info.label}
      labelWidth={LABEL_WIDTH}
      tooltip={info.description}
      invalid={error !== undefined}
      error={error}
    >
      <Input
        id={id}
        type="number"
        min={info.min}
        max={info.max}
        step={info.step ?? 1}
        width={12}
        value={text}
        onChange={(e: React.FormEvent<HTMLInputElement>) => setText(e.currentTarget.value)}
        onBlur={() => {
          if (error === undefined && Number(text) !== value) {
            onChange(Number(text));
          }
        }}
      />
    </InlineField>
  );
}

interface TextFieldProps {
  id: string;
  info: TextOption;
  value: unknown;
  onChange: (value: string) => void;
}

/** Free text, applied when the field loses focus; a required one shows an error while empty. */
function TextField({ id, info, value, onChange }: TextFieldProps) {
  const [text, setText] = useState(typeof value === 'string' ? value : '');
  const error = validateText(text, info);
  return (
    <InlineField
      label={info.label}
      labelWidth={LABEL_WIDTH}
      tooltip={info.description}
      invalid={error !== undefined}
      error={error}
    >
      <Input
        id={id}
        width={24}
        placeholder={info.placeholder}
        value={text}
        onChange={(e: React.FormEvent<HTMLInputElement>) => setText(e.currentTarget.value)}
        onBlur={() => {
          const trimmed = text.trim();
          if (trimmed !== value) {
            onChange(trimmed);
          }
        }}
      />
    </InlineField>
  );
}

import React, { useEffect, useState } from 'react';
import { SelectableValue } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { InlineField, MultiSelect } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { ResourceList } from '../types';

/** How a field names the items of each resource: plural for the list, singular for one id. */
const NOUNS: Record<ResourceList, { plural: string; singular: string }> = {
  accounts: { plural: 'accounts', singular: 'account' },
  stores: { plural: 'stores', singular: 'store' },
};

interface Props {
  datasource: DataSource;
  /** The backend resource the choices come from. */
  resource: ResourceList;
  /** The input's id, unique on the page. */
  id: string;
  label: string;
  tooltip: string;
  labelWidth: number;
  value: string[];
  onChange: (ids: string[]) => void;
}

interface ResourceOptions {
  options: Array<SelectableValue<string>>;
  loading: boolean;
  error?: string;
}

/** The items a backend resource lists (e.g. `accounts`), loaded once per datasource and resource. */
function useResourceOptions(datasource: DataSource, resource: ResourceList): ResourceOptions {
  // The result remembers what it was loaded for, so that another datasource or resource shows as loading.
  const [result, setResult] = useState<{
    datasource: DataSource;
    resource: ResourceList;
    options: Array<SelectableValue<string>>;
    error?: string;
  }>();
  useEffect(() => {
    let current = true;
    const singular = NOUNS[resource].singular;
    datasource.listOptions(resource).then(
      (items) => {
        if (current) {
          const options = (items ?? []).map((item) => ({
            value: item.value,
            label: item.text,
            // The id, unless the text already is the id.
            description: item.text === item.value ? undefined : `${capitalize(singular)} ${item.value}`,
          }));
          setResult({ datasource, resource, options });
        }
      },
      (err: unknown) => {
        if (current) {
          setResult({ datasource, resource, options: [], error: errorMessage(err) });
        }
      }
    );
    return () => {
      current = false;
    };
  }, [datasource, resource]);
  if (result?.datasource !== datasource || result.resource !== resource) {
    return { options: [], loading: true };
  }
  return { options: result.options, loading: false, error: result.error };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The message of a failed resource request: the backend's {error} body, or what the request says. */
function errorMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { data?: { error?: string; message?: string }; message?: string; statusText?: string };
    return e.data?.error || e.data?.message || e.message || e.statusText || 'unknown error';
  }
  return String(err);
}

/** The dashboard's variables as choices, so that `$account` can stand for one or more ids. */
function variableOptions(): Array<SelectableValue<string>> {
  return getTemplateSrv()
    .getVariables()
    .map((v) => ({ value: `$${v.name}`, label: `$${v.name}`, description: 'Dashboard variable' }));
}

/**
 * A multi-select of the items a backend resource lists (accounts by name, stores by id), with the
 * dashboard's variables; ids or variables may also be typed. Nothing chosen means all of them. If
 * the items cannot be loaded, the field says why.
 */
export function ResourceListField({ datasource, resource, id, label, tooltip, labelWidth, value, onChange }: Props) {
  const { options, loading, error } = useResourceOptions(datasource, resource);
  const { plural, singular } = NOUNS[resource];
  const all = [...options, ...variableOptions()];
  // Keep chosen values on screen even when they are not (or not yet) among the loaded items.
  for (const v of value) {
    if (!all.some((o) => o.value === v)) {
      all.push({ value: v, label: v });
    }
  }
  return (
    <InlineField
      label={label}
      labelWidth={labelWidth}
      tooltip={tooltip}
      invalid={error !== undefined}
      error={error && `Could not load the ${plural} (${error}). You can still type ${singular} ids or $variables.`}
    >
      <MultiSelect<string>
        inputId={id}
        aria-label={label}
        options={all}
        value={value}
        isLoading={loading}
        allowCustomValue
        placeholder={`All ${plural}`}
        noOptionsMessage={`No ${plural}`}
        width={40}
        onChange={(selected: Array<SelectableValue<string>>) =>
          onChange(selected.map((s) => s.value).filter((v): v is string => typeof v === 'string' && v !== ''))
        }
      />
    </InlineField>
  );
}

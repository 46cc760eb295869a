import React, { useEffect, useState } from 'react';
import { SelectableValue } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { InlineField, MultiSelect } from '@grafana/ui';

import type { DataSource } from '../datasource';

interface Props {
  datasource: DataSource;
  /** The input's id, unique on the page. */
  id: string;
  label: string;
  tooltip: string;
  labelWidth: number;
  value: string[];
  onChange: (accounts: string[]) => void;
}

interface AccountOptions {
  options: Array<SelectableValue<string>>;
  loading: boolean;
  error?: string;
}

/** The accounts the backend lists (resource `accounts`), loaded once per datasource. */
function useAccountOptions(datasource: DataSource): AccountOptions {
  // The result remembers which datasource it came from, so that another datasource shows as loading.
  const [result, setResult] = useState<{
    datasource: DataSource;
    options: Array<SelectableValue<string>>;
    error?: string;
  }>();
  useEffect(() => {
    let current = true;
    datasource.listOptions('accounts').then(
      (accounts) => {
        if (current) {
          const options = (accounts ?? []).map((a) => ({
            value: a.value,
            label: a.text,
            description: `Account ${a.value}`,
          }));
          setResult({ datasource, options });
        }
      },
      (err: unknown) => {
        if (current) {
          setResult({ datasource, options: [], error: errorMessage(err) });
        }
      }
    );
    return () => {
      current = false;
    };
  }, [datasource]);
  if (result?.datasource !== datasource) {
    return { options: [], loading: true };
  }
  return { options: result.options, loading: false, error: result.error };
}

/** The message of a failed resource request: the backend's {error} body, or what the request says. */
function errorMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { data?: { error?: string; message?: string }; message?: string; statusText?: string };
    return e.data?.error || e.data?.message || e.message || e.statusText || 'unknown error';
  }
  return String(err);
}

/** The dashboard's variables as choices, so that `$account` can stand for one or more accounts. */
function variableOptions(): Array<SelectableValue<string>> {
  return getTemplateSrv()
    .getVariables()
    .map((v) => ({ value: `$${v.name}`, label: `$${v.name}`, description: 'Dashboard variable' }));
}

/**
 * A multi-select of accounts by name, with the dashboard's variables; ids or variables may also be
 * typed. Nothing chosen means all accounts. If the accounts cannot be loaded, the field says why.
 */
export function AccountsField({ datasource, id, label, tooltip, labelWidth, value, onChange }: Props) {
  const { options, loading, error } = useAccountOptions(datasource);
  const all = [...options, ...variableOptions()];
  // Keep chosen values on screen even when they are not (or not yet) among the loaded accounts.
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
      error={error && `Could not load the accounts (${error}). You can still type account ids or $variables.`}
    >
      <MultiSelect<string>
        inputId={id}
        aria-label={label}
        options={all}
        value={value}
        isLoading={loading}
        allowCustomValue
        placeholder="All accounts"
        noOptionsMessage="No accounts"
        width={40}
        onChange={(selected: Array<SelectableValue<string>>) =>
          onChange(selected.map((s) => s.value).filter((v): v is string => typeof v === 'string' && v !== ''))
        }
      />
    </InlineField>
  );
}

import React, { FormEvent, useState } from 'react';
import { DataSourcePluginOptionsEditorProps, SelectableValue } from '@grafana/data';
import { FieldSet, InlineField, Input, RadioButtonGroup, SecretInput, SecretTextArea } from '@grafana/ui';

import { effectiveSettings, formatEdges, parseEdges, validateSettings } from '../settings';
import { CAOptions, CASecureJsonData, CASettings, DEFAULT_SETTINGS, SSLMode } from '../types';

type Props = DataSourcePluginOptionsEditorProps<CAOptions, CASecureJsonData>;

const LABEL_WIDTH = 28;
const INPUT_WIDTH = 40;

const SSL_MODES: Array<SelectableValue<SSLMode>> = [
  { value: 'disable', label: 'Disable', description: 'No TLS: only for a database on a trusted private network' },
  { value: 'require', label: 'Require', description: 'Encrypt the connection without checking the server certificate' },
  { value: 'verify-ca', label: 'Verify CA', description: 'Encrypt and check that a trusted CA signed the certificate' },
  {
    value: 'verify-full',
    label: 'Verify full',
    description: 'Encrypt, check the CA and check that the certificate names the host',
  },
];

type NumberKey = {
  [K in keyof CASettings]: CASettings[K] extends number ? K : never;
}[keyof CASettings];

type StringKey = {
  [K in keyof CASettings]: CASettings[K] extends string ? K : never;
}[keyof CASettings];

type SecretKey = keyof CASecureJsonData;

/** The datasource settings page: connection, TLS, the shop's contract and the metric definitions. */
export function ConfigEditor(props: Props) {
  const { options, onOptionsChange } = props;
  const { jsonData, secureJsonFields, secureJsonData } = options;
  const settings = effectiveSettings(jsonData);
  const errors = validateSettings(settings);

  // The edges are typed as text; keep what was typed so that a half-written list stays on screen.
  const [edgesText, setEdgesText] = useState(() => formatEdges(jsonData.devicePriceEdges));
  const edgesParse = parseEdges(edgesText);

  const setJsonData = <K extends keyof CASettings>(key: K, value: CASettings[K] | undefined) => {
    onOptionsChange({ ...options, jsonData: { ...jsonData, [key]: value } });
  };

  const onText = (key: StringKey, transform: (v: string) => string = (v) => v) => {
    return (event: FormEvent<HTMLInputElement>) => {
      const value = transform(event.currentTarget.value);
      setJsonData(key, value === '' ? undefined : value);
    };
  };

  const onNumber = (key: NumberKey) => {
    return (event: FormEvent<HTMLInputElement>) => {
      const text = event.currentTarget.value.trim();
      const value = Number(text);
      setJsonData(key, text === '' || !Number.isFinite(value) ? undefined : value);
    };
  };

  const onEdges = (event: FormEvent<HTMLInputElement>) => {
    const text = event.currentTarget.value;
    setEdgesText(text);
    const parsed = parseEdges(text);
    if (!parsed.error) {
      setJsonData('devicePriceEdges', parsed.edges);
    }
  };

  const onSecret = (key: SecretKey) => {
    return (event: FormEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, [key]: event.currentTarget.value } });
    };
  };

  const onResetSecret = (key: SecretKey) => {
    return () => {
      onOptionsChange({
        ...options,
        secureJsonFields: { ...secureJsonFields, [key]: false },
        secureJsonData: { ...secureJsonData, [key]: '' },
      });
    };
  };

  const numberInput = (
    key: NumberKey,
    extra: { min?: number; max?: number; step?: number | 'any'; width?: number } = {}
  ) => (
    <Input
      id={`ca-config-${key}`}
      type="number"
      value={jsonData[key] ?? ''}
      placeholder={String(DEFAULT_SETTINGS[key])}
      onChange={onNumber(key)}
      invalid={Boolean(errors[key])}
      min={extra.min}
      max={extra.max}
      step={extra.step}
      width={extra.width ?? 16}
    />
  );

  const verifiesServer = settings.sslMode === 'verify-ca' || settings.sslMode === 'verify-full';

  return (
    <>
      <FieldSet label="Connection">
        <InlineField label="Host" labelWidth={LABEL_WIDTH} tooltip="Name or address of the PostgreSQL server">
          <Input
            id="ca-config-host"
            value={jsonData.host ?? ''}
            placeholder={DEFAULT_SETTINGS.host}
            onChange={onText('host')}
            width={INPUT_WIDTH}
          />
        </InlineField>
        <InlineField
          label="Port"
          labelWidth={LABEL_WIDTH}
          tooltip="TCP port the server listens on"
          invalid={Boolean(errors.port)}
          error={errors.port}
        >
          {numberInput('port', { min: 1, max: 65535 })}
        </InlineField>
        <InlineField label="Database" labelWidth={LABEL_WIDTH} tooltip="Name of the shop's database" required>
          <Input
            id="ca-config-database"
            value={jsonData.database ?? ''}
            placeholder="shop"
            onChange={onText('database')}
            width={INPUT_WIDTH}
          />
        </InlineField>
        <InlineField
          label="User"
          labelWidth={LABEL_WIDTH}
          tooltip="Database role to connect as; it only needs to read the contract schema"
          required
        >
          <Input
            id="ca-config-user"
            value={jsonData.user ?? ''}
            placeholder="grafana_reader"
            onChange={onText('user')}
            width={INPUT_WIDTH}
          />
        </InlineField>
        <InlineField
          label="Password"
          labelWidth={LABEL_WIDTH}
          tooltip="Password of the database role; stored encrypted and never sent back to the browser"
        >
          <SecretInput
            id="ca-config-password"
            isConfigured={Boolean(secureJsonFields?.password)}
            value={secureJsonData?.password ?? ''}
            placeholder="Password"
            onChange={onSecret('password')}
            onReset={onResetSecret('password')}
            width={INPUT_WIDTH}
          />
        </InlineField>
      </FieldSet>

      <FieldSet label="TLS">
        <InlineField
          label="TLS mode"
          labelWidth={LABEL_WIDTH}
          tooltip="Whether the connection is encrypted and how the server's certificate is checked (PostgreSQL sslmode)"
        >
          <RadioButtonGroup
            id="ca-config-sslMode"
            options={SSL_MODES}
            value={settings.sslMode}
            onChange={(v) => setJsonData('sslMode', v)}
          />
        </InlineField>
        {verifiesServer && (
          <>
            <InlineField
              label="CA certificate"
              labelWidth={LABEL_WIDTH}
              tooltip="PEM certificate of the authority that signed the server's certificate"
            >
              <SecretTextArea
                id="ca-config-tlsCACert"
                isConfigured={Boolean(secureJsonFields?.tlsCACert)}
                value={secureJsonData?.tlsCACert ?? ''}
                placeholder="-----BEGIN CERTIFICATE-----"
                onChange={onSecret('tlsCACert')}
                onReset={onResetSecret('tlsCACert')}
                rows={5}
                cols={INPUT_WIDTH}
              />
            </InlineField>
            <InlineField
              label="Client certificate"
              labelWidth={LABEL_WIDTH}
              tooltip="Optional: PEM certificate for servers that authenticate clients by certificate"
            >
              <SecretTextArea
                id="ca-config-tlsClientCert"
                isConfigured={Boolean(secureJsonFields?.tlsClientCert)}
                value={secureJsonData?.tlsClientCert ?? ''}
                placeholder="-----BEGIN CERTIFICATE-----"
                onChange={onSecret('tlsClientCert')}
                onReset={onResetSecret('tlsClientCert')}
                rows={5}
                cols={INPUT_WIDTH}
              />
            </InlineField>
            <InlineField
              label="Client key"
              labelWidth={LABEL_WIDTH}
              tooltip="Optional: PEM private key that goes with the client certificate"
            >
              <SecretTextArea
                id="ca-config-tlsClientKey"
                isConfigured={Boolean(secureJsonFields?.tlsClientKey)}
                value={secureJsonData?.tlsClientKey ?? ''}
                placeholder="-----BEGIN PRIVATE KEY-----"
                onChange={onSecret('tlsClientKey')}
                onReset={onResetSecret('tlsClientKey')}
                rows={5}
                cols={INPUT_WIDTH}
              />
            </InlineField>
          </>
        )}
      </FieldSet>

      <FieldSet label="Contract & shop">
        <InlineField
          label="Schema"
          labelWidth={LABEL_WIDTH}
          tooltip="Schema that holds the customers, orders, order_items and products relations (tables or views)"
          invalid={Boolean(errors.schema)}
          error={errors.schema}
        >
          <Input
            id="ca-config-schema"
            value={jsonData.schema ?? ''}
            placeholder={DEFAULT_SETTINGS.schema}
            onChange={onText('schema')}
            width={INPUT_WIDTH}
          />
        </InlineField>
        <InlineField
          label="Time zone"
          labelWidth={LABEL_WIDTH}
          tooltip="The shop's IANA time zone, e.g. Europe/Berlin; days and buckets start at its midnight"
          invalid={Boolean(errors.timeZone)}
          error={errors.timeZone}
        >
          <Input
            id="ca-config-timeZone"
            value={jsonData.timeZone ?? ''}
            placeholder={DEFAULT_SETTINGS.timeZone}
            onChange={onText('timeZone')}
            width={INPUT_WIDTH}
          />
        </InlineField>
        <InlineField
          label="Currency"
          labelWidth={LABEL_WIDTH}
          tooltip="ISO 4217 code of the currency order totals are in, e.g. EUR; used for units"
          invalid={Boolean(errors.currency)}
          error={errors.currency}
        >
          <Input
            id="ca-config-currency"
            value={jsonData.currency ?? ''}
            placeholder={DEFAULT_SETTINGS.currency}
            onChange={onText('currency', (v) => v.toUpperCase())}
            width={16}
          />
        </InlineField>
      </FieldSet>

      <FieldSet label="Definitions">
        <InlineField
          label="New-buyer look-back (days)"
          labelWidth={LABEL_WIDTH}
          tooltip="A buyer is new if they had no valid order this many days before the period; 0 means all history"
          invalid={Boolean(errors.newBuyerLookbackDays)}
          error={errors.newBuyerLookbackDays}
        >
          {numberInput('newBuyerLookbackDays', { min: 0 })}
        </InlineField>
        <InlineField
          label="At risk after (days)"
          labelWidth={LABEL_WIDTH}
          tooltip="Days since the last valid order after which a customer is at risk"
          invalid={Boolean(errors.atRiskDays)}
          error={errors.atRiskDays}
        >
          {numberInput('atRiskDays', { min: 1 })}
        </InlineField>
        <InlineField
          label="Lapsed after (days)"
          labelWidth={LABEL_WIDTH}
          tooltip="With fixed thresholds: days since the last valid order after which a customer is lapsed"
          invalid={Boolean(errors.lapsedDays)}
          error={errors.lapsedDays}
        >
          {numberInput('lapsedDays', { min: 1 })}
        </InlineField>
        <InlineField
          label="Value band: low below"
          labelWidth={LABEL_WIDTH}
          tooltip="A customer whose average order value is below this multiple of the shop's is low value"
          invalid={Boolean(errors.valueBandLow)}
          error={errors.valueBandLow}
        >
          {numberInput('valueBandLow', { min: 0, step: 'any' })}
        </InlineField>
        <InlineField
          label="Value band: high from"
          labelWidth={LABEL_WIDTH}
          tooltip="From this multiple of the shop's average order value a customer is high value"
          invalid={Boolean(errors.valueBandHigh)}
          error={errors.valueBandHigh}
        >
          {numberInput('valueBandHigh', { min: 0, step: 'any' })}
        </InlineField>
        <InlineField
          label="Value band: very high from"
          labelWidth={LABEL_WIDTH}
          tooltip="From this multiple of the shop's average order value a customer is very high value"
          invalid={Boolean(errors.valueBandVeryHigh)}
          error={errors.valueBandVeryHigh}
        >
          {numberInput('valueBandVeryHigh', { min: 0, step: 'any' })}
        </InlineField>
        <InlineField
          label="Device price edges"
          labelWidth={LABEL_WIDTH}
          tooltip="Ascending phone prices, in the shop currency, that split customers into device price bands"
          invalid={Boolean(edgesParse.error ?? errors.devicePriceEdges)}
          error={edgesParse.error ?? errors.devicePriceEdges}
        >
          <Input
            id="ca-config-devicePriceEdges"
            value={edgesText}
            placeholder={formatEdges(DEFAULT_SETTINGS.devicePriceEdges)}
            onChange={onEdges}
            width={INPUT_WIDTH}
          />
        </InlineField>
        <InlineField
          label="RFM scale"
          labelWidth={LABEL_WIDTH}
          tooltip="Number of score levels (3 to 10) for recency, frequency and monetary value in RFM personas"
          invalid={Boolean(errors.rfmScale)}
          error={errors.rfmScale}
        >
          {numberInput('rfmScale', { min: 3, max: 10 })}
        </InlineField>
        <InlineField
          label="Predicted CLV horizon (days)"
          labelWidth={LABEL_WIDTH}
          tooltip="How many days ahead predicted CLV looks (1 to 3650; 365 by default); a query can set its own horizon"
          invalid={Boolean(errors.clvHorizonDays)}
          error={errors.clvHorizonDays}
        >
          {numberInput('clvHorizonDays', { min: 1, max: 3650 })}
        </InlineField>
        <InlineField
          label="Predicted CLV discount rate"
          labelWidth={LABEL_WIDTH}
          tooltip="Yearly rate future revenue is discounted at in predicted CLV, from 0 to 1 (0.1 for 10 %); 0 leaves it undiscounted"
          invalid={Boolean(errors.clvDiscountRate)}
          error={errors.clvDiscountRate}
        >
          {numberInput('clvDiscountRate', { min: 0, max: 1, step: 'any' })}
        </InlineField>
      </FieldSet>

      <FieldSet label="Limits">
        <InlineField
          label="Pool size"
          labelWidth={LABEL_WIDTH}
          tooltip="Most connections this datasource opens to the database at once"
          invalid={Boolean(errors.maxOpenConns)}
          error={errors.maxOpenConns}
        >
          {numberInput('maxOpenConns', { min: 1, max: 1000 })}
        </InlineField>
        <InlineField
          label="Statement timeout (s)"
          labelWidth={LABEL_WIDTH}
          tooltip="Seconds a query may run in the database before it is cancelled"
          invalid={Boolean(errors.statementTimeoutSeconds)}
          error={errors.statementTimeoutSeconds}
        >
          {numberInput('statementTimeoutSeconds', { min: 1, max: 3600, step: 'any' })}
        </InlineField>
        <InlineField
          label="Connect timeout (s)"
          labelWidth={LABEL_WIDTH}
          tooltip="Seconds to wait for a new connection to the database"
          invalid={Boolean(errors.connectTimeoutSeconds)}
          error={errors.connectTimeoutSeconds}
        >
          {numberInput('connectTimeoutSeconds', { min: 0.1, max: 600, step: 'any' })}
        </InlineField>
        <InlineField
          label="Result cache (s)"
          labelWidth={LABEL_WIDTH}
          tooltip="Seconds identical queries from many panels and viewers reuse one result; 0 keeps no result (identical queries running at the same moment still share one computation)"
          invalid={Boolean(errors.cacheTTLSeconds)}
          error={errors.cacheTTLSeconds}
        >
          {numberInput('cacheTTLSeconds', { min: 0, max: 3600, step: 'any' })}
        </InlineField>
      </FieldSet>
    </>
  );
}

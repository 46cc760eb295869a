import React, { useState } from 'react';
import { DataSourceSettings } from '@grafana/data';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { CAOptions, CASecureJsonData } from '../types';
import { ConfigEditor } from './ConfigEditor';

type Settings = DataSourceSettings<CAOptions, CASecureJsonData>;

function makeOptions(jsonData: CAOptions = {}, secureJsonFields: Record<string, boolean> = {}): Settings {
  return {
    id: 1,
    uid: 'ca',
    orgId: 1,
    name: 'Customer Analytics',
    type: 'storelens-customeranalytics-datasource',
    typeName: 'Customer Analytics',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- still a required field of DataSourceSettings
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    readOnly: false,
    jsonData,
    secureJsonFields,
  };
}

/** Renders the editor the way Grafana does: each change comes back as the new options. */
function renderEditor(initial: Settings) {
  const onOptionsChange = jest.fn();
  function Harness() {
    const [options, setOptions] = useState(initial);
    return (
      <ConfigEditor
        options={options}
        onOptionsChange={(next) => {
          onOptionsChange(next);
          setOptions(next);
        }}
      />
    );
  }
  render(<Harness />);
  return { onOptionsChange, lastOptions: (): Settings => onOptionsChange.mock.lastCall[0] };
}

describe('ConfigEditor', () => {
  it('renders every section, with defaults as placeholders', () => {
    renderEditor(makeOptions());
    for (const section of ['Connection', 'TLS', 'Contract & shop', 'Definitions', 'Limits']) {
      expect(screen.getByText(section)).toBeInTheDocument();
    }
    expect(screen.getByLabelText('Host')).toHaveAttribute('placeholder', 'localhost');
    expect(screen.getByLabelText('Port')).toHaveAttribute('placeholder', '5432');
    expect(screen.getByLabelText('Schema')).toHaveAttribute('placeholder', 'commerce');
    expect(screen.getByLabelText('Device price edges')).toHaveAttribute('placeholder', '150, 300, 600, 1000');
    // TLS certificates only matter when the server's certificate is verified.
    expect(screen.queryByLabelText('CA certificate')).not.toBeInTheDocument();
  });

  it('writes text and number settings into jsonData with their backend names', () => {
    const { lastOptions } = renderEditor(makeOptions({ database: 'shop' }));

    fireEvent.change(screen.getByLabelText('Host'), { target: { value: 'db.example.com' } });
    expect(lastOptions().jsonData).toEqual({ database: 'shop', host: 'db.example.com' });

    fireEvent.change(screen.getByLabelText('Port'), { target: { value: '6432' } });
    expect(lastOptions().jsonData.port).toBe(6432);

    fireEvent.change(screen.getByLabelText('Currency'), { target: { value: 'eur' } });
    expect(lastOptions().jsonData.currency).toBe('EUR');

    fireEvent.change(screen.getByLabelText('New-buyer look-back (days)'), { target: { value: '0' } });
    expect(lastOptions().jsonData.newBuyerLookbackDays).toBe(0);

    // Clearing a field removes the setting, so the default applies again.
    fireEvent.change(screen.getByLabelText('Port'), { target: { value: '' } });
    expect(lastOptions().jsonData.port).toBeUndefined();
  });

  it('keeps the password in secureJsonData and can reset a saved one', async () => {
    const { lastOptions } = renderEditor(makeOptions());
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 's3cret' } });
    expect(lastOptions().secureJsonData).toEqual({ password: 's3cret' });
    expect(lastOptions().jsonData).toEqual({});
  });

  it('resets a configured password', async () => {
    const { lastOptions } = renderEditor(makeOptions({}, { password: true }));
    expect(screen.getByDisplayValue('configured')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(lastOptions().secureJsonFields.password).toBe(false);
    expect(lastOptions().secureJsonData?.password).toBe('');
  });

  it('shows the certificate fields when the server certificate is verified', async () => {
    const { lastOptions } = renderEditor(makeOptions());
    await userEvent.click(screen.getByLabelText('Verify full'));
    expect(lastOptions().jsonData.sslMode).toBe('verify-full');
    expect(screen.getByLabelText('CA certificate')).toBeInTheDocument();
    expect(screen.getByLabelText('Client certificate')).toBeInTheDocument();
    expect(screen.getByLabelText('Client key')).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('CA certificate'), { target: { value: 'PEM' } });
    expect(lastOptions().secureJsonData).toEqual({ tlsCACert: 'PEM' });
  });

  it('flags an at-risk threshold that is not below the lapsed one', () => {
    renderEditor(makeOptions({ atRiskDays: 400, lapsedDays: 385 }));
    expect(screen.getByText('Must be fewer days than lapsed (385)')).toBeInTheDocument();
  });

  it('flags value bands out of order', () => {
    renderEditor(makeOptions({ valueBandLow: 1.5 }));
    expect(screen.getByText('Must be below the high band (1.25)')).toBeInTheDocument();
  });

  it('writes the predicted CLV settings and flags values out of range', () => {
    const { lastOptions } = renderEditor(makeOptions());
    const horizon = screen.getByLabelText('Predicted CLV horizon (days)');
    const rate = screen.getByLabelText('Predicted CLV discount rate');
    expect(horizon).toHaveAttribute('placeholder', '365');
    expect(rate).toHaveAttribute('placeholder', '0');

    fireEvent.change(horizon, { target: { value: '730' } });
    expect(lastOptions().jsonData.clvHorizonDays).toBe(730);
    fireEvent.change(rate, { target: { value: '0.1' } });
    expect(lastOptions().jsonData.clvDiscountRate).toBe(0.1);
    expect(screen.queryByText(/Must be/)).not.toBeInTheDocument();

    fireEvent.change(horizon, { target: { value: '4000' } });
    expect(screen.getByText('Must be a whole number from 1 to 3650')).toBeInTheDocument();
    fireEvent.change(rate, { target: { value: '10' } });
    expect(
      screen.getByText('Must be a yearly rate from 0 to 1, e.g. 0.1 for 10 % (0: undiscounted)')
    ).toBeInTheDocument();

    // Clearing a field brings back the default.
    fireEvent.change(horizon, { target: { value: '' } });
    fireEvent.change(rate, { target: { value: '' } });
    expect(lastOptions().jsonData).toEqual({});
    expect(screen.queryByText(/Must be/)).not.toBeInTheDocument();
  });

  it('parses device price edges and flags ones that are not ascending', () => {
    const { lastOptions } = renderEditor(makeOptions());
    const edges = screen.getByLabelText('Device price edges');

    fireEvent.change(edges, { target: { value: '100, 250 500' } });
    expect(lastOptions().jsonData.devicePriceEdges).toEqual([100, 250, 500]);
    expect(screen.queryByText(/ascending/)).not.toBeInTheDocument();

    fireEvent.change(edges, { target: { value: '300, 200' } });
    expect(lastOptions().jsonData.devicePriceEdges).toEqual([300, 200]);
    expect(screen.getByText('Edges must be in ascending order, without repeats')).toBeInTheDocument();

    fireEvent.change(edges, { target: { value: '300, abc' } });
    expect(screen.getByText('Not a number: abc')).toBeInTheDocument();
    // A list that does not parse is not saved; the last one that did stays.
    expect(lastOptions().jsonData.devicePriceEdges).toEqual([300, 200]);
  });
});

import Form from '@rjsf/core';
import './rjsf.css';
import type { RJSFSchema } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import Ajv2020 from 'ajv/dist/2020.js';
import { useState } from 'react';

// Device types declare their config in JSON Schema draft 2020-12 (src/devices/config-validator.ts).
const validator = customizeValidator({ AjvClass: Ajv2020 as never });

/**
 * A form generated from a JSON Schema, validated as the user types (inline errors), that hands
 * the value to `onSubmit` only when it is valid. The server validates again; its refusal is
 * shown by the caller.
 */
export function SchemaForm(props: {
  schema: Record<string, unknown>;
  value: Record<string, unknown>;
  onSubmit: (value: Record<string, unknown>) => void;
  busy?: boolean;
  submitLabel?: string;
}) {
  const [draft, setDraft] = useState(props.value);
  return (
    <div className="polder-rjsf">
      <Form
        schema={props.schema as RJSFSchema}
        formData={draft}
        validator={validator}
        liveValidate
        showErrorList={false}
        onChange={(e) => setDraft(e.formData as Record<string, unknown>)}
        onSubmit={(e) => props.onSubmit(e.formData as Record<string, unknown>)}
        disabled={props.busy}
      >
        <button type="submit" className="polder-submit" disabled={props.busy}>
          {props.submitLabel ?? 'Save'}
        </button>
      </Form>
    </div>
  );
}

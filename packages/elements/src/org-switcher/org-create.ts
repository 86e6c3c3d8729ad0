import { html, nothing, type TemplateResult } from 'lit';
import { createOrganization, type Organization, type SessionClient } from '@latchkey/client';
import { msg } from '../internal/localize.js';

// "Create organization" in lk-org-switcher: its form and its request, a chunk of their own,
// imported when the entry is picked (and while the page is idle).

/** Makes the organization, its creator its owner (`POST /v1/orgs`). */
export function create(client: SessionClient, name: string, signal: AbortSignal): Promise<Organization> {
  return createOrganization(client.connection, { name }, { signal });
}

export interface CreatePanelOptions {
  /** Prefix of the panel's ids, unique on the page. */
  uid: string;
  pending: boolean;
  /** Why the name was refused (empty, taken), at the field. */
  fieldError: string;
  /** Why the request failed otherwise, in the live region. */
  alert: string;
  onSubmit(name: string): void;
  onCancel(): void;
}

/** The panel's form: "Organization name", "Create organization", "Cancel". */
export function renderCreatePanel(o: CreatePanelOptions): TemplateResult {
  const id = `${o.uid}-org-name`;
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (o.pending) return;
    const input = (event.target as HTMLFormElement).elements.namedItem('name') as HTMLInputElement;
    o.onSubmit(input.value.trim());
  };
  return html`<h3 class="panel-title" id="panel-title" tabindex="-1">${msg('Create organization')}</h3> <form class="panel-form" novalidate @submit=${submit}> <label for=${id}>${msg('Organization name')}</label> <input id=${id} name="name" type="text" autocomplete="organization" maxlength="100" required aria-invalid=${o.fieldError ? 'true' : 'false'} aria-describedby=${o.fieldError ? `${id}-error` : `${id}-hint`} /> ${o.fieldError
      ? html`<p class="field-error" id="${id}-error">${o.fieldError}</p>`
      : html`<p class="hint" id="${id}-hint">${msg('You will be its owner. You can invite others next.')}</p>`} <p class="alert" role="alert">${o.alert}</p> <button class="primary" type="submit" aria-disabled=${o.pending}>${o.pending ? html`<span class="busy" aria-hidden="true"></span>` : nothing}${msg('Create organization')}</button> <button class="secondary" type="button" @click=${o.onCancel}>${msg('Cancel')}</button> </form>`;
}

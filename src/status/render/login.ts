import { html, type Html } from '../html.js';
import { LOGO, page } from './layout.js';

export type LoginNotice = 'none' | 'wrong-token' | 'throttled' | 'no-token' | 'expired';

const MESSAGES: Record<Exclude<LoginNotice, 'none'>, string> = {
  'wrong-token': 'That token is not valid.',
  throttled: 'Too many failed attempts from this address. Wait a few minutes and try again.',
  'no-token': 'The dashboard is disabled: set admin.token in the configuration to use it.',
  expired: 'Your session ended. Log in again.',
};

/** The one form that takes the admin token; it posts to this origin only (CSP form-action). */
export function loginPage(title: string, notice: LoginNotice, version: string): Html {
  const disabled = notice === 'no-token';
  const body = html`<main class="login">
  <div class="login-card card">
    <div class="login-brand">${LOGO}<div><strong>Detour</strong><span class="muted">${title}</span></div></div>
    <h1>Sign in to the dashboard</h1>
    <p class="muted">Use the admin token from <code>admin.token</code>. It is checked once and never stored in the browser; a session cookie is set instead.</p>
    ${notice === 'none' ? '' : html`<p class="notice notice-${notice === 'expired' ? 'info' : 'error'}" role="alert">${MESSAGES[notice]}</p>`}
    <form method="post" action="/dashboard/login" class="login-form">
      <label for="token">Admin token</label>
      <input class="input" id="token" name="token" type="password" autocomplete="current-password" required ${disabled ? 'disabled' : ''} autofocus>
      <button class="btn btn-primary btn-block" type="submit" ${disabled ? 'disabled' : ''}>Sign in</button>
    </form>
  </div>
</main>`;
  return page({ title: `Sign in · Detour`, assets: '/dashboard/assets', events: '', version, bodyClass: 'login-page', now: Date.now(), body });
}

const urlWithPassword = /\b([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@/\s]*)@/gi;
// libpq key-value strings may start with the password, put spaces around "=" and quote the value;
// sslpassword is the passphrase of the client certificate's key.
const passwordParameter = /((?:^|[?&\s])(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^&\s]*)/gi;

/**
 * Hides the password of a connection URL: `postgres://user:***@host/db`. Also hides a
 * `password=` query or key-value parameter. Safe to call on any text (an error message that
 * quotes a URL, for example).
 */
export function redactUrl(text: string): string {
  return text
    .replace(urlWithPassword, (_, scheme: string, user: string) => `${scheme}${user}:***@`)
    .replace(passwordParameter, (_, key: string) => `${key}***`);
}

/**
 * Removes every occurrence of the given secrets from a text, for messages produced by drivers
 * that echo a password in a form `redactUrl` cannot recognise.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let redacted = redactUrl(text);
  for (const secret of secrets) {
    if (secret.length >= 3) redacted = redacted.split(secret).join("***");
  }
  return redacted;
}

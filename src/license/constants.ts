/**
 * Licence facts shared by the CLI and the licence service. No secrets here: this file ships in the
 * CLI package.
 */

/** `iss` and `aud` of every licence token. */
export const TOKEN_ISSUER = "authorstack-license-service";
export const TOKEN_AUDIENCE = "authorstack-cli";
/** JWS `typ` header of licence tokens, so no other kind of signed document passes as one. */
export const TOKEN_TYPE = "authorstack-license+jwt";

/** Whop membership statuses that grant Pro (past_due only within the service's grace window). */
export const GRANTING_STATUSES = ["active", "trialing", "completed", "canceling", "past_due"] as const;

/** What Pro allows, in the words of the commands. */
export const PRO_FEATURES = ["report --email", "run", "schedule"] as const;

/** Offline grace after a token expires: Pro commands keep working this long without the service. */
export const OFFLINE_GRACE_MS = 7 * 24 * 3600 * 1000;
/** A token older than this is refreshed (best effort, short timeout) by Pro commands. */
export const REFRESH_AFTER_MS = 24 * 3600 * 1000;
/** How far in the future a token's issue time may be before the local clock is called wrong. */
export const CLOCK_SKEW_MS = 10 * 60 * 1000;

/** Default address of the AuthorStack licence service (AUTHORSTACK_LICENSE_URL / `license.url` override it). */
export const DEFAULT_LICENSE_URL = "https://license.authorstack.app";

export const ACTIVATE_HINT =
  "Activate AuthorStack Pro with `authorstack license activate <key>` (the licence key from your Whop purchase), " +
  "or set AUTHORSTACK_LICENSE_KEY for cron and CI.";

import type { Deps } from "../deps.js";
import { RemoteError, UsageError } from "../errors.js";
import { ACTIVATE_TIMEOUT_MS, activateLicense, inspectLicense, type LicenseInfo } from "../license/check.js";
import {
  deactivateWithService,
  LicenseRefused,
  LicenseServiceUnavailable,
  licenseServiceUrl,
} from "../license/client.js";
import { ACTIVATE_HINT, PRO_FEATURES } from "../license/constants.js";
import { machineId } from "../license/machine.js";
import {
  clearCachedLicense,
  forgetLicenseKey,
  readCachedLicense,
  resolveLicenseKey,
} from "../license/store.js";
import { promptContext } from "../util/prompt.js";

/** What the free edition does, for status output. */
export const FREE_FEATURES = [
  "import",
  "auth",
  "sync",
  "report (terminal, JSON, CSV, HTML)",
  "rates",
  "config",
  "doctor",
];

export interface LicenseActivateOptions {
  /** The key argument; else AUTHORSTACK_LICENSE_KEY, else the key stored by an earlier activation. */
  key?: string;
  /** May prompt for the key (TTY, no CI, no --no-input). */
  interactive: boolean;
}

export interface LicenseActivateResult {
  activated: true;
  license: LicenseInfo;
}

export async function runLicenseActivate(
  options: LicenseActivateOptions,
  deps: Deps,
): Promise<LicenseActivateResult> {
  let key = options.key?.trim() || resolveLicenseKey(deps)?.key;
  if (!key && options.interactive) {
    const { password } = await import("@inquirer/prompts");
    key = (
      await password(
        { message: "AuthorStack Pro licence key (from your Whop purchase):", mask: "•" },
        promptContext(deps),
      )
    ).trim();
  }
  if (!key) {
    throw new UsageError("license activate: no licence key given.", {
      hint: "Run `authorstack license activate <key>` with the key from your Whop purchase, or set AUTHORSTACK_LICENSE_KEY.",
    });
  }
  if (/\s/.test(key) || key.length > 200) {
    throw new UsageError(
      "license activate: the licence key must be one word (as shown in your Whop account).",
    );
  }
  return { activated: true, license: await activateLicense(deps, key) };
}

export interface LicenseStatusResult {
  /** Whether Pro commands are allowed now (offline judgement of the cached token). */
  pro: boolean;
  /** "pro" or "free". */
  plan: string;
  /** none | valid | grace | expired | invalid */
  state: string;
  /** Whop membership status recorded in the token (active, trialing, …), or null. */
  status: string | null;
  key: string | null;
  machineId: string;
  issuedAt: string | null;
  expiresAt: string | null;
  /** Pro works offline until this time (token expiry + 7 days). */
  graceUntil: string | null;
  renewsAt: string | null;
  allows: string[];
  free: string[];
  service: string;
  message: string | null;
}

/** `license status`: never contacts the licence service. */
export async function runLicenseStatus(_options: object, deps: Deps): Promise<LicenseStatusResult> {
  const inspection = await inspectLicense(deps);
  let service: string;
  try {
    service = licenseServiceUrl(deps);
  } catch (error) {
    service = `(invalid: ${(error as Error).message})`;
  }
  const base = {
    machineId: machineId(deps),
    free: FREE_FEATURES,
    service,
  };
  if (inspection.state === "valid" || inspection.state === "grace") {
    const info = inspection.info;
    return {
      pro: true,
      plan: info.plan,
      state: inspection.state,
      status: info.status,
      key: info.key,
      issuedAt: info.issuedAt,
      expiresAt: info.expiresAt,
      graceUntil: info.graceUntil,
      renewsAt: info.renewsAt,
      allows: [...PRO_FEATURES, ...FREE_FEATURES],
      message:
        inspection.state === "grace"
          ? `the licence token expired; Pro works offline until ${info.graceUntil}. Connect to the internet to renew it.`
          : null,
      ...base,
    };
  }
  const cached = readCachedLicense(deps);
  const { message } = inspection as { message: string };
  return {
    pro: false,
    plan: "free",
    state: inspection.state,
    status: null,
    key: cached?.maskedKey || null,
    issuedAt: null,
    expiresAt: inspection.state === "expired" ? inspection.expiredAt : null,
    graceUntil: inspection.state === "expired" ? inspection.graceUntil : null,
    renewsAt: null,
    allows: FREE_FEATURES,
    message: `${message}. ${ACTIVATE_HINT}`,
    ...base,
  };
}

export interface LicenseDeactivateResult {
  /** The service released the machine binding. */
  released: boolean;
  /** The local token and stored key were removed. */
  forgotten: boolean;
  message: string;
}

/** `license deactivate`: releases this machine's binding at the service, then forgets the licence here. */
export async function runLicenseDeactivate(_options: object, deps: Deps): Promise<LicenseDeactivateResult> {
  const key = resolveLicenseKey(deps);
  if (!key) {
    const forgotten = clearCachedLicense(deps);
    return { released: false, forgotten, message: "no licence is activated on this computer" };
  }
  let released = false;
  let message: string;
  try {
    const answer = await deactivateWithService(
      deps,
      { licenseKey: key.key, machineId: machineId(deps) },
      ACTIVATE_TIMEOUT_MS,
    );
    released = answer.released;
    message = released
      ? "the licence key is released; activate it on another computer with `authorstack license activate <key>`"
      : "the licence key was not bound to any machine";
  } catch (error) {
    if (error instanceof LicenseServiceUnavailable) {
      throw new RemoteError(`${error.message}; the licence is still bound to this computer.`, {
        hint: "Try again when online, or reset the key in your Whop account (Orders → AuthorStack Pro → Reset key).",
      });
    }
    if (!(error instanceof LicenseRefused)) throw error;
    // Bound elsewhere or unknown: nothing to release from here; forget it locally all the same.
    message = `nothing released at the licence service (${error.message})`;
  }
  const hadToken = clearCachedLicense(deps);
  const hadKey = key.from === "stored" ? forgetLicenseKey(deps) : false;
  if (key.from === "env") message += "; AUTHORSTACK_LICENSE_KEY is still set in the environment";
  return { released, forgotten: hadToken || hadKey, message };
}

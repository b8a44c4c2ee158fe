import { CONFIG_KEYS, checkConfigKey, readConfig, writeConfig } from "../config.js";
import type { Deps } from "../deps.js";
import { UsageError } from "../errors.js";

export interface ConfigEntry {
  key: string;
  value: string | null;
  description: string;
}

export function runConfigGet(options: { key: string }, deps: Deps): ConfigEntry {
  checkConfigKey(options.key);
  const values = readConfig(deps.home.config);
  return { key: options.key, value: values[options.key] ?? null, description: CONFIG_KEYS[options.key]! };
}

export function runConfigSet(options: { key: string; value: string }, deps: Deps): ConfigEntry {
  checkConfigKey(options.key);
  if (options.value === "")
    throw new UsageError(`empty value for "${options.key}"; use \`config unset\` to remove it.`);
  const values = readConfig(deps.home.config);
  values[options.key] = options.value;
  writeConfig(deps.home.config, values);
  return { key: options.key, value: options.value, description: CONFIG_KEYS[options.key]! };
}

export function runConfigUnset(options: { key: string }, deps: Deps): { key: string; removed: boolean } {
  checkConfigKey(options.key);
  const values = readConfig(deps.home.config);
  const removed = options.key in values;
  delete values[options.key];
  if (removed) writeConfig(deps.home.config, values);
  return { key: options.key, removed };
}

export function runConfigList(_options: object, deps: Deps): ConfigEntry[] {
  const values = readConfig(deps.home.config);
  return Object.keys(CONFIG_KEYS).map((key) => ({
    key,
    value: values[key] ?? null,
    description: CONFIG_KEYS[key]!,
  }));
}

export function runConfigPath(
  _options: object,
  deps: Deps,
): { config: string; credentials: string; database: string; home: string } {
  return {
    config: deps.home.config,
    credentials: deps.home.credentials,
    database: deps.home.database,
    home: deps.home.dataDir,
  };
}

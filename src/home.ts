import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where one user's things live. `$AUTHORSTACK_HOME` puts everything in one folder (tests, cron,
 * portable set-ups); otherwise the platform's folders: XDG on Linux ($XDG_DATA_HOME or
 * ~/.local/share/authorstack for the database and logs, $XDG_CONFIG_HOME or ~/.config/authorstack for
 * config.json and credentials.json), the usual folders on macOS and Windows. Written here rather than
 * with env-paths because that package reads the global process.env, not the injected one.
 */
export interface HomePaths {
  dataDir: string;
  configDir: string;
  database: string;
  config: string;
  credentials: string;
  logsDir: string;
  lock: string;
}

export function resolveHome(env: NodeJS.ProcessEnv): HomePaths {
  let dataDir: string;
  let configDir: string;
  if (env.AUTHORSTACK_HOME) {
    dataDir = env.AUTHORSTACK_HOME;
    configDir = env.AUTHORSTACK_HOME;
  } else if (process.platform === "darwin") {
    dataDir = join(homedir(), "Library", "Application Support", "authorstack");
    configDir = join(homedir(), "Library", "Preferences", "authorstack");
  } else if (process.platform === "win32") {
    dataDir = join(env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"), "authorstack", "Data");
    configDir = join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "authorstack", "Config");
  } else {
    dataDir = join(env.XDG_DATA_HOME || join(env.HOME || homedir(), ".local", "share"), "authorstack");
    configDir = join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config"), "authorstack");
  }
  return {
    dataDir,
    configDir,
    database: join(dataDir, "authorstack.db"),
    config: join(configDir, "config.json"),
    credentials: join(configDir, "credentials.json"),
    logsDir: join(dataDir, "logs"),
    lock: join(dataDir, "authorstack.lock"),
  };
}

import { join } from "node:path";
import envPaths from "env-paths";

/**
 * Where one user's things live. `$AUTHORSTACK_HOME` puts everything in one folder (tests, cron,
 * portable set-ups); otherwise the platform's folders (env-paths: XDG on Linux, so
 * ~/.local/share/authorstack for the database and logs, ~/.config/authorstack for config.json and
 * credentials.json).
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
  } else {
    const paths = envPaths("authorstack", { suffix: "" });
    dataDir = paths.data;
    configDir = paths.config;
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

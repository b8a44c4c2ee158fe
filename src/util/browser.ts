import { spawn } from "node:child_process";

/**
 * Opens a URL: with the command named by AUTHORSTACK_BROWSER (how tests and headless set-ups
 * drive the OAuth flow; the URL is appended as the last argument), else with the `open` package.
 */
export async function openBrowser(url: string, env: NodeJS.ProcessEnv): Promise<void> {
  const command = env.AUTHORSTACK_BROWSER;
  if (command) {
    const child = spawn(command, [url], { stdio: "ignore", detached: true, shell: false, env });
    child.on("error", () => {});
    child.unref();
    return;
  }
  const { default: open } = await import("open");
  await open(url);
}

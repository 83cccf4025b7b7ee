import fs from "node:fs";
import type { Browser } from "playwright-core";

/** Debian's Chromium (`.ci/run` installs it); browser tests skip where it is missing. */
export const CHROMIUM = "/usr/bin/chromium";
export const chromiumMissing = !fs.existsSync(CHROMIUM);

/**
 * Headless Chromium through playwright-core, with the flags this machine needs: no sandbox as root, and no
 * background networking (its closed network refuses those connections, many at a time).
 */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

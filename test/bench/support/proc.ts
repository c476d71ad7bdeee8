import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

/** Linux reports utime and stime in clock ticks; 100 per second on every common kernel. */
const clockTicksPerSecond = 100;

/** CPU time (user + system, all threads) a process has used so far, in milliseconds. */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 of the whole line are utime and stime: 12th and 13th after the name.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / clockTicksPerSecond;
}

/** Resident memory of a process (VmRSS), in megabytes. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

let tasksetWorks: boolean | null = null;

/**
 * Which core runs what: the measured process (server or baseline) on core 0, load generators and
 * emulators on core 1, as in shared/notes/performance.md. Without two cores or taskset, nothing
 * is pinned.
 */
export const cores = { subject: 0, load: 1 } as const;

/** True when processes can be pinned to cores on this machine. */
export function canPin(): boolean {
  if (tasksetWorks === null) {
    try {
      execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
      tasksetWorks = cpus().length >= 2;
    } catch {
      tasksetWorks = false;
    }
  }
  return tasksetWorks;
}

/** Pins every thread of a process (and the threads it starts later) to one core. */
export function pinToCore(pid: number | undefined, core: number): void {
  if (pid === undefined || !canPin()) {
    return;
  }
  execFileSync("taskset", ["-a", "-p", "-c", String(core), String(pid)], { stdio: "ignore" });
}

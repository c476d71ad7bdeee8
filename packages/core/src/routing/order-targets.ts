import type { RouteConfig } from "./route-schema";

/**
 * Orders a route's providers. Priority keeps the configured order. Weighted draws providers one
 * by one, each with probability proportional to its weight among those not yet drawn, so the
 * first pick follows the weights and the rest remain as fallbacks.
 */
export function orderTargets(route: RouteConfig, random: () => number = Math.random): string[] {
  const targets = route.providers.map((target) =>
    typeof target === "string" ? { name: target, weight: 1 } : target,
  );
  if (route.strategy === "priority") {
    return targets.map((target) => target.name);
  }
  const remaining = [...targets];
  const ordered: string[] = [];
  while (remaining.length > 0) {
    const total = remaining.reduce((sum, target) => sum + target.weight, 0);
    let point = random() * total;
    let index = remaining.findIndex((target) => {
      point -= target.weight;
      return point < 0;
    });
    if (index < 0) {
      index = remaining.length - 1;
    }
    const [picked] = remaining.splice(index, 1);
    if (picked) {
      ordered.push(picked.name);
    }
  }
  return ordered;
}

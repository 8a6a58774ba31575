/** Measurements the suites record (e.g. activation time); the runner writes them with the results. A leaf module, so suites and the runner do not import each other. */
export const metrics: Record<string, number> = {};

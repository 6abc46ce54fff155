// The clock and the sleep every module takes as a parameter, so tests can move time.
export type Now = () => Date;
export type Sleep = (ms: number) => Promise<void>;

export const systemNow: Now = () => new Date();
export const sleep: Sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms));

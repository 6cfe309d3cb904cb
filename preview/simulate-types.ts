/**
 * The part of miniprogram-simulate (and j-component) this project drives, typed here: the
 * package's own typings pull in a years-old copy of miniprogram-api-typings that clashes with the
 * one the mini program is written against.
 */
export interface SimNode {
  dom?: Element;
  data: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  instance: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  querySelector(selector: string): SimNode | undefined;
  querySelectorAll(selector: string): SimNode[];
  dispatchEvent(name: string, detail?: unknown): void;
  attach(parent: Element): void;
  triggerPageLifeTime?(name: string): void;
}

export interface Simulate {
  load(pathOrDefinition: string | Record<string, unknown>, options?: Record<string, unknown>): string;
  render(id: string, properties?: Record<string, unknown>): SimNode;
}

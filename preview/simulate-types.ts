/**
 * The part of miniprogram-simulate (and j-component) this project drives, typed here: the
 * package's own typings pull in a years-old copy of miniprogram-api-typings that clashes with the
 * one the mini program is written against.
 */
export interface SimNode {
  dom?: Element;
  // biome-ignore lint/suspicious/noExplicitAny: a page's data and instance are whatever the page under test defines
  data: Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  instance: Record<string, any>;
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

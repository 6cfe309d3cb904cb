/**
 * Typed wrappers around `Component()`: every page and component is built with them, so the
 * shared defaults live in one place and `this` is fully typed without casts. Pages are components
 * too (https://developers.weixin.qq.com/miniprogram/dev/framework/custom-component/component.html,
 * "使用 Component 构造器构造页面"), which is what lets the rendering tests load them.
 */
type Data = WechatMiniprogram.Component.DataOption;
type Props = WechatMiniprogram.Component.PropertyOption;
type Methods = WechatMiniprogram.Component.MethodOption;
type Custom = WechatMiniprogram.IAnyObject;

/** A reusable component: isolated styles, several slots allowed. */
export function defineComponent<TData extends Data, TProps extends Props, TMethods extends Methods, TCustom extends Custom = {}>(
  options: WechatMiniprogram.Component.Options<TData, TProps, TMethods, [], TCustom, false>,
): string {
  return Component<TData, TProps, TMethods, [], TCustom, false>({
    ...options,
    options: { multipleSlots: true, styleIsolation: 'isolated', ...options.options },
  });
}

/** A page: its lifetimes (`onLoad`, `onShow`, …) are methods, as for `Page()`. */
export function definePage<TData extends Data, TMethods extends Methods, TCustom extends Custom = {}>(
  options: WechatMiniprogram.Component.Options<TData, {}, TMethods, [], TCustom, true>,
): string {
  return Component<TData, {}, TMethods, [], TCustom, true>({
    ...options,
    options: { styleIsolation: 'apply-shared', ...options.options },
  });
}

/**
 * Per-instance state that is not view data (services, timers, chart points): kept on the
 * instance, outside `data`, so it never goes through `setData`. `slot` names the holder, so
 * different users of one instance (a page and `servicesOf`) keep apart.
 */
export function instanceFields<T extends object>(instance: object, init: () => T, slot = '__fields'): T {
  const holder = instance as Record<string, T | undefined>;
  return (holder[slot] ??= init());
}

/**
 * @jest-environment node
 */
import { startStack, tempDir } from '../helpers/stack';
import { until } from '../helpers/until';
import { openPage, textOf, allText } from './helpers/render';
import { phoneServices } from './helpers/services';

let dir: ReturnType<typeof tempDir>;
let stack: Awaited<ReturnType<typeof startStack>>;

beforeAll(async () => {
  dir = tempDir();
  stack = await startStack(dir.path);
});
afterAll(async () => {
  await stack.close();
  dir.remove();
});
beforeEach(() => jest.resetModules());

test('a new user is guided to add a patient or redeem an invite', async () => {
  const { services } = phoneServices(stack, 'newcomer');
  const { page } = openPage('me', services);
  await until(() => page.data.state === 'ready', 'page ready');
  expect(allText(page)).toContain('欢迎使用家人健康守护');
  expect(allText(page)).toContain('添加被监护人');
  expect(allText(page)).toContain('加入家庭');
});

import { Aedes } from 'aedes';
test('aedes loads', async () => {
  const b = await Aedes.createBroker();
  expect(typeof b.handle).toBe('function');
  await new Promise<void>((r) => b.close(() => r()));
});

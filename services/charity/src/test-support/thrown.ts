/** What `action` throws (for `toMatchObject` on a coded error's details); fails the test when it does not throw. */
export function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

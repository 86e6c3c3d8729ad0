import { afterEach, expect } from 'vitest';
import { page } from 'vitest/browser';

/**
 * Visual snapshot of each story once its play function and axe check passed: the story's
 * element (with any menu it opened) against `stories/__screenshots__/<file>/<story>-<theme>`.
 * A changed look fails the test with a diff image; `pnpm test:stories:update` accepts it.
 */
afterEach(async (context) => {
  const story = (context as unknown as { story?: { globals: Record<string, unknown> } }).story;
  if (!story || context.task.result?.state === 'fail') return;
  const target = document.querySelector('.lk-story')?.firstElementChild;
  if (!target) return;
  // Countdowns ("Resend in 29 s", "إعادة الإرسال بعد 29 ث") depend on the second the screenshot
  // lands in: any button with a number in it, in Western or Arabic-Indic digits.
  const mask = [...target.querySelectorAll('button')].filter((b) => /[\d\u0660-\u0669]/.test(b.textContent ?? ''));
  const slug = context.task.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  await expect.element(page.elementLocator(target)).toMatchScreenshot(`${slug}-${String(story.globals.theme ?? 'light')}`, {
    screenshotOptions: { animations: 'disabled', caret: 'hide', mask },
  });
});

import { setUpPage } from './page.js';

// The account page: <lk-user-profile> shows the signed-in user's passkeys (and, later,
// the rest of their account); signed out, it says so with this page's "Sign in" link.
const { client } = setUpPage();
// A failure becomes the store's `error` state, which the elements show with "Try again".
client.session.refresh().catch(() => {});

import { setUpPage } from './page.js';

// The organization page: <lk-org-profile> for the organization this tab works in (the
// switcher in the header picks it; each tab keeps its own).
const { client } = setUpPage();
// A failure becomes the store's `error` state, which the elements show with "Try again".
client.session.refresh().catch(() => {});

// The light/dark choice, kept in a cookie the server reads (Layout/AppTheme.cs) so every page is rendered in it.
// Interactive pages flip the theme in place and call remember(); on statically rendered pages (log in, register,
// change password) a [data-theme-toggle] button stores the flipped choice and loads the page again.
(() => {
    const remember = dark => {
        document.cookie = `cutout-theme=${dark ? 'dark' : 'light'}; path=/; max-age=31536000; samesite=lax`;
    };
    window.cutoutTheme = { remember };
    document.addEventListener('click', event => {
        const toggle = event.target.closest?.('[data-theme-toggle]');
        if (!toggle) return;
        event.preventDefault();
        remember(toggle.getAttribute('data-theme-toggle') !== 'dark');
        location.replace(location.href); // a GET, never a repeated form post
    });
})();

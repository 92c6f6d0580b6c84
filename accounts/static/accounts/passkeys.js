// Once django-otp-webauthn has saved a new passkey, continue to the next page
// (recovery codes at first setup). A static file: the Content Security Policy
// allows no inline script.
document.addEventListener("otp_webauthn.register_complete", function () {
  var form = document.getElementById("passkey-registered-form");
  if (form) {
    form.submit();
  }
});

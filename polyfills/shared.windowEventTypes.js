// Shared piece `windowEventTypes`: the event types whose `on<event>` handler
// properties a browser-like global has (polyfills/window_events.js runs them;
// polyfills/window.js defines them on first touch of `window` or `self`).
() =>
  ('abort afterprint auxclick beforeinput beforematch beforeprint beforetoggle beforeunload blur ' +
  'cancel canplay canplaythrough change click close contextlost contextmenu contextrestored copy cuechange ' +
  'cut dblclick drag dragend dragenter dragleave dragover dragstart drop durationchange emptied ended error ' +
  'focus formdata hashchange input invalid keydown keypress keyup languagechange load loadeddata ' +
  'loadedmetadata loadstart message messageerror mousedown mouseenter mouseleave mousemove mouseout ' +
  'mouseover mouseup mousewheel offline online pagehide pagereveal pageshow pageswap paste pause play ' +
  'playing popstate progress ratechange rejectionhandled reset resize scroll scrollend ' +
  'securitypolicyviolation seeked seeking select selectionchange selectstart slotchange stalled storage ' +
  'submit suspend timeupdate toggle unhandledrejection unload volumechange waiting webkitanimationend ' +
  'webkitanimationiteration webkitanimationstart webkittransitionend wheel animationstart ' +
  'animationiteration animationend animationcancel transitionrun transitionstart transitionend ' +
  'transitioncancel gotpointercapture lostpointercapture pointerdown pointermove pointerrawupdate ' +
  'pointerup pointercancel pointerover pointerout pointerenter pointerleave touchstart touchend touchmove ' +
  'touchcancel').split(' ')

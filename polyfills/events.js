(function install(native, g) {
  class Event { constructor(type) { this.type = String(type); } }
  return { Event };
})

// selenium-webdriver ships no exports map: Node's ESM loader needs the file's own path, which
// @types/selenium-webdriver types under the bare 'selenium-webdriver/http'.
declare module 'selenium-webdriver/http/index.js' {
  export * from 'selenium-webdriver/http';
}

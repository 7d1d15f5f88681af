// Names of the second generator, written from field knowledge (not from the engine's
// tables). Each name is written once in a phonemic notation of its source language:
//   consonants  b t th j H(ḥ) kh d dh r z s sh S(ṣ) D(ḍ) T(ṭ) Z(ẓ) 3(ʿayn) ' (hamza)
//               gh f q k l m n h w y p ch zh g v ts
//   vowels      a i u e o (short), aa ii uu (long), ö ü I (Turkish ö ü ı)
//   al-         the Arabic article (assimilated or not by the romanisation system)
//   .           a syllable break that keeps two letters apart (is.haaq)
// Turkish names are written in Turkish spelling and converted (see turkish() below).
// The weights are rough field shares, not census figures: names follow a steep
// popularity curve (the first of each list is the most common).

const split = (s) => s.trim().split(/\s*,\s*/);

// Turkish orthography to the notation: c=j, ç=ch, ş=sh, ğ=gh, ı=I, ö, ü kept.
export function turkish(word) {
  return word
    .toLowerCase()
    .replace(/ç/g, 'ch')
    .replace(/ş/g, 'sh')
    .replace(/ğ/g, 'gh')
    .replace(/ı/g, 'I')
    .replace(/c/g, 'j');
}

const ARAB_M = split(`muHammad, aHmad, maHmuud, 3alii, Hasan, Husayn, 3umar, khaalid, yuusuf,
  muSTafaa, ibraahiim, 3abd al-laah, 3abd al-raHmaan, 3abd al-qaadir, 3abd al-3aziiz,
  3abd al-kariim, samiir, jamaal, kariim, saalim, saamii, waliid, ziyaad, ayman, anas, bilaal,
  Hamza, 3uthmaan, ismaa3iil, yaasiin, 3imaad, faadii, raamii, naabil, majiid, Taariq,
  nuur al-diin, SalaaH al-diin, muraad, ayyuub, idriis, 3aadil, haadii, rashiid, mundhir,
  qaasim, shukrii, sulaymaan, zakariyyaa, yuunus, 3iisaa, muusaa, faysal, mahdii`);
const ARAB_F = split(`faaTima, aamina, khadiija, 3aa'isha, maryam, zaynab, nuur, layla, salmaa,
  huda, raniya, samiira, fara, rasha, duhaa, asmaa', hanaa', iimaan`);
const ARAB_FAM = split(`al-3ubaydii, al-jubuurii, al-dulaymii, al-tamiimii, al-shammarii,
  al-Husaynii, al-khaTiib, al-Halabii, al-aHmad, al-3alii, al-muHammad, Haddaad, najjaar,
  khaliil, 3abbaas, Saalih, Hamdaan, darwiish, qaasim, naaSir, yaasiin, 3uthmaan, al-kurdii,
  al-3aanii, mansuur, 3awwaad, shaahiin, bakr, sulaymaan, al-zu3bii, al-maSrii, 3abd al-laah,
  maHmuud, ibraahiim, Husayn, 3umar`);
const MAGHREB_FAM = split(`ibn 3alii, ibn saalim, bu zayd, bil qaasim, al-3amraanii, al-3alawii,
  al-Taahirii, al-idriisii, al-bukhaarii, ibn mansuur, bu 3aziiz, Harraaq, al-fasii, shirqaawii,
  ayt 3alii, ayt muusaa, qaddaarii, bin yuusuf, Haamid, mubaarak, zarruuq, mansuurii, 3azzuuz,
  ibn 3umar, bu khaalid`);
const EGYPT_FAM = split(`al-sayyid, 3abd al-laah, ibraahiim, Hasan, muHammad, 3alii, maHmuud, Saqr,
  mustafaa, 3abd al-fattaaH, fathii, ragab, shaHaata, 3abd al-3aziiz, Hijaazii`);

const PERSIAN_M = split(`muHammad, aHmad, 3alii, Husayn, Hasan, rezaa, mahdii, ghulaam, 3abd al-laah,
  naSiir, jaawiid, faariid, habiib, raHiim, kariim, jamshiid, sayyid, murtaZaa, mujtabaa,
  shafiiq, 3aziiz, naaSir, bashiir, nuur, amiir, samiir, iliyaas, jawaad, fayaaZ, khaliil,
  Hamiid, waHiid, naqiib, raamiin, safii, zabiiH al-laah, 3ibaad al-laah, najiib al-laah,
  faZl al-raHmaan, gul aHmad, shaah maHmuud, muHammad 3alii, muHammad rezaa`);
const PERSIAN_F = split(`faaTima, zahraa, maryam, maasuuma, sakiina, laylaa, shabnam, naazaniin,
  gul, parwiin, freshta, nargis, Hamiida, zaynab, 3aa'isha`);
const AFGHAN_FAM = split(`aHmadzay, Hakiimii, naurii, raHiimii, sulTaanii, aHmadii, muHammadii,
  Husaynii, karimii, Haydarii, sharifii, amirii, 3aziizii, Habiibii, jalaalii, naaSirii,
  qaadirii, raHmaanii, wardak, shinwaarii, mangal, zadraan, khaan, Saafii, popal, stanikzay,
  niyaazii, yuusufzay, mujaddidii, sadaat`);
const IRAN_FAM = split(`Husaynii, muHammadii, riZaa'ii, aHmadii, muraadii, karimii, ja3farii,
  raHiimii, kaaZimii, qurbaanii, Haydarii, Saadiqii, naSirii, musawii, rustamii, tavakolii,
  amiinii, 3abbaasii, jalaalii, akbarii`);
const PAK_M = split(`muHammad, 3alii, imraan, bilaal, 3uthmaan, waqaaS, aaSif, kaamraan, 3adnaan,
  zeeshaan, naviid, Taariq, shaahid, arshad, saajid, faysal, Hamza, 3umar, zubayr, 3irfaan,
  nadiim, aHmad, asad, sohayl, jaawed, khurram, danish, farhaan`);
const PAK_F = split(`aayesha, faaTima, 3aliya, bushraa, naadiya, sadaf, saamiya, rubiina`);
const PAK_FAM = split(`khaan, 3alii, aHmad, Husayn, iqbaal, baT, chawdharii, malik, razaa, shaah,
  qurayshii, shaykh, jaawed, aslam, akhtar, mirzaa, 3abbaasii, raana, bhaTTii, a3waan,
  yuusuf, gujjar, raajpuut, jaT, 3arif`);
const BANGLA_M = split(`raakib, sohel, shaahiin, jaahid, rubel, maasud, kamrul, shafiqul, anisur,
  mizaanur, Habiibur, sayful, raashed, jaahangiir, 3aalamgiir, riyaaz, shariif, monir, jamaal,
  mostafiizur`);
const BANGLA_F = split(`naasriin, shaahnaaz, ruksaana, fatema, taaniya, mousumi, sumaiya`);
const BANGLA_FAM = split(`raHmaan, Husayn, islaam, uddiin, 3aalam, miya, aHmed, shaykh, sarkaar,
  chawdhurii, taalukdar, biswaas, molla, mondal, haawlaadar, bhuyaan`);
const TURK_M = split(`Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Hasan, İbrahim, Yusuf, Murat, Emre, Ömer,
  Osman, Ramazan, Halil, Süleyman, Abdullah, Mahmut, Recep, Kemal, Burak, Serkan, Fatih,
  Yasin, Furkan, Kadir, Orhan, Cengiz, Erkan`).map((n) => turkish(n.replace('İ', 'i')));
const TURK_F = split(`Fatma, Ayşe, Emine, Hatice, Zeynep, Elif, Meryem, Şerife`).map(turkish);
const TURK_FAM = split(`Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir,
  Arslan, Doğan, Kılıç, Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek, Polat, Korkmaz,
  Karataş, Güneş, Erdoğan, Aktaş, Bulut, Keskin, Tekin, Ünal`).map(turkish);
const KURD_M = split(`aazaad, rojhat, shirwaan, dilshaad, karwaan, hozhaan, baraan, sarbast,
  diyaar, hiiwaa, jiwaan, rebaaz`);
const KURD_FAM = split(`baarzaanii, Taalabaanii, duskii, siindii, harkii, zebaarii, mizuurii,
  goyii`);
// Tigrinya: no surname; the second name is the father's, the third the grandfather's.
const TIGR_M = split(`tesfay, yoHannes, mebraHtu, kidane, tekle, semere, amanu'el, yonas, filmon,
  daniel, efrem, merHawi, robel, biniyam, natnael, senay, tewodros, meHari, berhane, kibrom,
  awet, henok, samu'el, gebremeskel, gebremed.hin, habte, tesfamaryam, weldemikael, berhe,
  girmay, asmerom, mesfin, zeray, hayle, negash, yemane, goytom, tsegay, haben, tedros`);
const TIGR_F = split(`selam, helen, senayt, tsega, Hiwet, luwam, merHawit, yordanos, saba, feven,
  rahwa, winta`);

// Nationality: share of arrivals, ISO 3166-1 alpha-2, language (drives romanisation),
// names, share holding a travel document, share who know their exact date of birth,
// the systems their documents and their interpreters use.
export const NATIONS = [
  { cc: 'AF', w: 0.36, lang: 'fa-af', m: PERSIAN_M, f: PERSIAN_F, fam: AFGHAN_FAM, famShare: 0.55,
    doc: 0.25, dob: 0.4, docSys: ['english'], interp: ['english', 'english', 'bgn'] },
  { cc: 'MA', w: 0.1, lang: 'ar-mg', m: ARAB_M, f: ARAB_F, fam: MAGHREB_FAM, famShare: 1,
    doc: 0.45, dob: 0.9, docSys: ['french'], interp: ['french', 'french', 'english'] },
  { cc: 'PK', w: 0.1, lang: 'ur', m: PAK_M, f: PAK_F, fam: PAK_FAM, famShare: 0.85,
    doc: 0.45, dob: 0.7, docSys: ['english'], interp: ['english'] },
  { cc: 'SY', w: 0.08, lang: 'ar', m: ARAB_M.concat(KURD_M), f: ARAB_F, fam: ARAB_FAM.concat(KURD_FAM),
    famShare: 1, doc: 0.5, dob: 0.85, docSys: ['english', 'french'], interp: ['english', 'german', 'alalc'] },
  { cc: 'TR', w: 0.07, lang: 'tr', m: TURK_M.concat(KURD_M.slice(0, 4)), f: TURK_F, fam: TURK_FAM,
    famShare: 1, doc: 0.8, dob: 0.95, docSys: ['turkish'], interp: ['english', 'german'] },
  { cc: 'BD', w: 0.06, lang: 'bn', m: BANGLA_M, f: BANGLA_F, fam: BANGLA_FAM, famShare: 0.9,
    doc: 0.5, dob: 0.75, docSys: ['english'], interp: ['english'] },
  { cc: 'IQ', w: 0.05, lang: 'ar', m: ARAB_M.concat(KURD_M), f: ARAB_F, fam: ARAB_FAM.concat(KURD_FAM),
    famShare: 0.8, doc: 0.4, dob: 0.75, docSys: ['english'], interp: ['english', 'german', 'bgn'] },
  { cc: 'IR', w: 0.05, lang: 'fa-ir', m: PERSIAN_M, f: PERSIAN_F, fam: IRAN_FAM, famShare: 1,
    doc: 0.55, dob: 0.9, docSys: ['english'], interp: ['english', 'german', 'bgn'] },
  { cc: 'DZ', w: 0.04, lang: 'ar-mg', m: ARAB_M, f: ARAB_F, fam: MAGHREB_FAM, famShare: 1,
    doc: 0.4, dob: 0.9, docSys: ['french'], interp: ['french'] },
  { cc: 'TN', w: 0.03, lang: 'ar-mg', m: ARAB_M, f: ARAB_F, fam: MAGHREB_FAM, famShare: 1,
    doc: 0.45, dob: 0.9, docSys: ['french'], interp: ['french', 'english'] },
  { cc: 'EG', w: 0.03, lang: 'ar-eg', m: ARAB_M, f: ARAB_F, fam: EGYPT_FAM, famShare: 0.6,
    doc: 0.6, dob: 0.9, docSys: ['english'], interp: ['english'] },
  { cc: 'ER', w: 0.02, lang: 'ti', m: TIGR_M, f: TIGR_F, fam: null, famShare: 0,
    doc: 0.2, dob: 0.5, docSys: ['english', 'italian'], interp: ['english', 'italian'] },
];

// What a claimed citizenship becomes when it is not the true one.
export const CLAIMED = {
  AF: ['PK', 'IR', ''], MA: ['DZ', 'SY', 'PS', ''], PK: ['AF', 'IN', ''], SY: ['IQ', 'PS', ''],
  TR: ['SY', ''], BD: ['IN', 'MM', ''], IQ: ['SY', 'IR', ''], IR: ['AF', 'IQ', ''],
  DZ: ['MA', 'TN', 'SY', ''], TN: ['DZ', 'LY', ''], EG: ['SY', 'LY', ''], ER: ['ET', 'SD', ''],
};

// Where the record is made: the registering administration and how its officers write.
export const OFFICES = [
  { cc: 'BA', w: 0.32, ear: ['balkan'] },
  { cc: 'RS', w: 0.24, ear: ['cyr_sr', 'cyr_sr', 'balkan'] },
  { cc: 'MK', w: 0.14, ear: ['cyr_mk', 'cyr_mk', 'balkan'] },
  { cc: 'ME', w: 0.08, ear: ['balkan'] },
  { cc: 'AL', w: 0.12, ear: ['albanian'] },
  { cc: 'XK', w: 0.1, ear: ['albanian', 'balkan'] },
];

//! Deterministic generator of realistic, Mianyang-like peixun input data at any size,
//! for benchmarks and manual testing.
//!
//! ```sh
//! cargo run --release --example generate -- --cadres 1000000 --out target/bench-data/1m
//! cargo run --release --example generate -- --cadres 1000000 --out DIR --encoding gbk
//! cargo run --release --example generate -- --cadres 100000 --out DIR --xlsx
//! cargo run --release --example generate -- --cadres 1000000 --out DIR --units
//! cargo run --release --example generate -- --cadres 1000000 --out DIR --untrained 25
//! peixun check DIR --as-of 2021-03-01
//! ```
//!
//! The same `--cadres` and `--seed` always give the same data, byte for byte, whatever
//! the machine (the PRNG is a hand-written SplitMix64). `--encoding gbk` and `--xlsx`
//! write the same records as the UTF-8 CSVs, only in another container.
//!
//! What it writes into DIR:
//! - `cadres.csv` (≈ N rows): a UTF-8 BOM (not in GBK) and Excel-style Chinese headers
//!   `身份证号,姓名,性别,所在单位,县区,单位层级,职务,专兼职,任职日期,离任日期` (`性别` is an extra
//!   column). 18-digit 身份证号 with a real GB 11643 check character (about 1 in 11 ends
//!   in `X`); the 9 Mianyang counties and 市直, plus synthetic districts beyond ~100k
//!   cadres (about one per 10,000 cadres); each county has its 总工会 (县区, or 市 for
//!   市直) and grassroots unions (基层) of 3–17 cadres; the first of each unit is its
//!   工会主席 (≈ 10–11 % of rows, some replaced: the old chair's 离任日期 is the new
//!   one's 任职日期), then 副主席, 经审委员会主任, 女职工委员会主任, 委员 …; kinds
//!   专职/兼职/社会化工作者/empty; appointments 2012–2021, ≈ 5 % with a 离任日期; a few
//!   empty 单位层级 (= 基层). Dates mostly `2018/4/10`, also `2018-04-10`,
//!   `2018年4月10日`, `20180410`, `2018.4.10`.
//! - `classes.csv` (≈ 0.08 N rows): canonical English headers, 2017–2021, organised at
//!   县区 (≈ 90 %), 市 (≈ 8 %, including the 市直 grassroots classes) and 省 (≈ 1 %);
//!   all six categories; 市-level 专题培训 limited to 0–3 a year; `days` often missing,
//!   sometimes `0.5`; `end_on` sometimes missing; fees mostly empty or `0`, a few `免费`,
//!   `200元`, `300`, `"1,200"`. Dates mostly ISO, some `2018-10-15 00:00:00` or `2018/10/15`.
//! - `attendance.csv` (≈ 3.4 N rows): headers `班次编号,身份证号,是否结业`, grouped by class
//!   in date order, 10–75 attendees a class drawn from the class's county (or city-wide),
//!   preferring cadres in office and not yet trained, and recently appointed chairs for
//!   初任/任职 classes; `是` (≈ 94 %), `否`, `已结业`, empty; a few ids with a lower-case `x`.
//! - with `--xlsx`, instead one workbook `records.xlsx` with sheets `cadres`, `classes`,
//!   `attendance` (same headers; dates as date cells, ids as text, days and fees as
//!   numbers). A sheet holds at most 1,048,576 rows, so this is for up to ~300,000 cadres.
//! - with `--units` (SPEC §6, CSV only), also `units.csv` (`name,parent,level,county,type`):
//!   全国总工会 > 四川省总工会 > 绵阳市总工会 > each county's 总工会 (type 县区总工会) > every
//!   grassroots union the roster names (市直's under 绵阳市总工会; its 产业工会 typed
//!   市直产业工会, the others 基层工会; a name given by units of two counties is written
//!   once, under the first), and 学时: classes gain an `hours` column (8 per day, from
//!   `days` or the dates; ≈ 15 % empty) and attendance a `参训学时` column (≈ 10 % filled,
//!   at most the class's hours). Extra draws use their own PRNG streams: without
//!   `--units` the output is byte for byte what it was.
//! - with `--untrained P`, P % of the cadres (chosen by a hash of the seed and their row)
//!   appear in no attendance row: a roster mostly in violation, for benchmarks of many
//!   findings (`--untrained 25` at 1M cadres: 302,936 findings, against 84,329 without).
//!
//! The data is meant to contain **no data errors** (`peixun validate` reports none), but
//! plenty of findings (late or missing chair training, untrained cadres, fees, …).
//! At 1,000,000 cadres: 80,000 classes, ≈ 3.4 M attendance rows, ≈ 256 MB of UTF-8 CSV
//! (≈ 224 MB as GBK), written in about 2 s (6 s as GBK); 100,000 cadres as xlsx: 11 MB, 2 s.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use clap::{Parser, ValueEnum};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

#[derive(Parser)]
#[command(about = "Generate realistic, deterministic peixun input data")]
struct Args {
    /// Number of cadres (roster rows).
    #[arg(long)]
    cadres: usize,
    /// Output folder (created if needed).
    #[arg(long)]
    out: PathBuf,
    /// PRNG seed; the same seed and size give the same bytes.
    #[arg(long, default_value_t = 48)]
    seed: u64,
    /// Text encoding of the CSV files.
    #[arg(long, value_enum, default_value = "utf-8")]
    encoding: Enc,
    /// Write one workbook `records.xlsx` (sheets cadres, classes, attendance) instead of CSVs.
    #[arg(long)]
    xlsx: bool,
    /// Also write `units.csv` and 学时 (`hours` on classes, `参训学时` on attendance).
    #[arg(long, conflicts_with = "xlsx")]
    units: bool,
    /// Percent of cadres (drawn by their row, from a stream of their own) whose attendance
    /// rows are left out: they never trained, so most are findings. 0 writes the data as
    /// before, byte for byte.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=100))]
    untrained: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Enc {
    #[value(name = "utf-8")]
    Utf8,
    #[value(name = "gbk")]
    Gbk,
}

// ---------------------------------------------------------------------------------------
// PRNG: SplitMix64, deterministic everywhere.

struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut r =
            Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
                ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// Uniform in lo..=hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// True with probability per_mille / 1000.
    fn chance(&mut self, per_mille: usize) -> bool {
        self.below(1000) < per_mille
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    /// Picks from (value, weight) pairs.
    fn weighted<T: Copy>(&mut self, xs: &[(T, usize)]) -> T {
        let total: usize = xs.iter().map(|x| x.1).sum();
        let mut r = self.below(total);
        for &(v, w) in xs {
            if r < w {
                return v;
            }
            r -= w;
        }
        xs[xs.len() - 1].0
    }

    fn date(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0);
        from + Days::new(self.range(0, span) as u64)
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

// ---------------------------------------------------------------------------------------
// Vocabulary.

/// (name, area code, class-id prefix, weight) — the nine Mianyang counties and 市直.
const COUNTIES: &[(&str, u32, &str, usize)] = &[
    ("市直", 510703, "MY", 120),
    ("涪城区", 510703, "FC", 130),
    ("游仙区", 510704, "YX", 100),
    ("安州区", 510705, "AZ", 70),
    ("江油市", 510781, "JY", 140),
    ("三台县", 510722, "ST", 130),
    ("盐亭县", 510723, "YT", 70),
    ("梓潼县", 510725, "ZT", 60),
    ("北川羌族自治县", 510726, "BC", 50),
    ("平武县", 510727, "PW", 50),
];

const COMMON_SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
const SURNAMES: &[&str] = &[
    "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许",
    "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶",
    "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范",
    "金", "石", "廖", "贾", "夏", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛",
    "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "龚", "邵", "严", "向", "汤", "蒲",
    "苟", "敬", "母", "文", "税", "岳", "鲜", "青", "祝", "伍",
];
const MALE_CHARS: &[&str] = &[
    "建", "国", "志", "明", "伟", "强", "军", "勇", "平", "华", "东", "兵", "涛", "刚", "峰", "林",
    "斌", "杰", "超", "鹏", "波", "宇", "浩", "俊", "文", "德", "成", "海", "洪", "春", "远", "刚",
    "辉", "磊", "飞", "云", "川", "江", "昌", "荣", "贵", "福", "永", "长", "卫",
];
const FEMALE_CHARS: &[&str] = &[
    "丽", "秀", "英", "华", "敏", "静", "红", "梅", "芳", "燕", "玲", "娟", "霞", "萍", "琴", "雪",
    "艳", "莉", "兰", "凤", "洁", "婷", "慧", "晓", "春", "玉", "琳", "颖", "倩", "雯", "淑", "珍",
    "蓉", "娜", "欣", "佳", "月", "云", "美", "菊", "桂", "芬", "丹", "薇", "蕾",
];
const PLACE_CHARS: &[&str] = &[
    "新", "石", "金", "龙", "青", "白", "马", "花", "桥", "河", "安", "永", "兴", "丰", "太", "平",
    "和", "福", "明", "光", "东", "西", "南", "北", "清", "双", "高", "松", "柏", "云", "峰", "溪",
    "坝", "林", "塘", "湾", "岭", "凤", "鹤", "泉", "水", "山", "城", "家", "乐", "宁", "观", "胜",
    "富", "塔",
];
const BRAND_CHARS: &[&str] = &[
    "华", "新", "泰", "宏", "盛", "达", "鑫", "瑞", "丰", "通", "远", "恒", "嘉", "锦", "长", "富",
    "源", "海", "天", "成", "九", "川", "蜀", "涪", "科", "创", "联", "信", "正", "中",
];
const INDUSTRIES: &[&str] = &[
    "机械",
    "电子",
    "建设",
    "食品",
    "物流",
    "化工",
    "纺织",
    "科技",
    "药业",
    "能源",
    "商贸",
    "置业",
    "农业",
    "汽车部件",
    "电器",
    "建材",
    "酒业",
    "环保",
];
const COMPANY_SUFFIXES: &[(&str, usize)] = &[
    ("有限公司", 6),
    ("有限责任公司", 2),
    ("股份有限公司", 1),
    ("集团有限公司", 1),
];
const TOPICS: &[&str] = &[
    "学习贯彻党的十九大精神",
    "工会法律法规",
    "职工维权",
    "劳动和技能竞赛",
    "困难职工帮扶",
    "“互联网+”工会工作",
    "工会财务经审",
    "女职工工作",
    "安全生产",
    "脱贫攻坚",
];
const BUSINESS: &[&str] = &[
    "工会",
    "工会财务",
    "工会经审",
    "工会组织建设",
    "劳动保护",
    "职工服务",
];

const CAT_BASIC: &str = "基层工会干部培训";
const CAT_BUSINESS: &str = "业务培训";
const CAT_INITIAL: &str = "初任培训";
const CAT_APPOINT: &str = "任职培训";
const CAT_TOPIC: &str = "专题培训";
const CAT_ONLINE: &str = "网络培训";

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Level {
    Base,
    County,
    City,
    Province,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Base => "基层",
            Level::County => "县区",
            Level::City => "市",
            Level::Province => "省",
        }
    }
}

#[derive(Clone, Copy)]
enum DateStyle {
    Slash,
    Iso,
    Chinese,
    Compact,
    Dot,
    IsoTime,
}

fn push_date(buf: &mut String, d: NaiveDate, style: DateStyle) -> Result<()> {
    let (y, m, dd) = (d.year(), d.month(), d.day());
    match style {
        DateStyle::Slash => write!(buf, "{y}/{m}/{dd}")?,
        DateStyle::Iso => write!(buf, "{y}-{m:02}-{dd:02}")?,
        DateStyle::Chinese => write!(buf, "{y}年{m}月{dd}日")?,
        DateStyle::Compact => write!(buf, "{y}{m:02}{dd:02}")?,
        DateStyle::Dot => write!(buf, "{y}.{m}.{dd}")?,
        DateStyle::IsoTime => write!(buf, "{y}-{m:02}-{dd:02} 00:00:00")?,
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The model.

struct County {
    name: String,
    code: u32,
    prefix: String,
    city_direct: bool,
    weight: usize,
    /// Cadre index range.
    first: usize,
    end: usize,
    /// Chairs of this county, by appointment date.
    chairs: Vec<u32>,
}

struct Unit {
    name: String,
    county: u32,
    level: Level,
}

struct Cadre {
    id: [u8; 18],
    name: String,
    male: bool,
    unit: u32,
    post: &'static str,
    kind: &'static str,
    appointed: NaiveDate,
    left: Option<NaiveDate>,
    style: DateStyle,
    level_blank: bool,
}

impl Cadre {
    fn in_office(&self, d: NaiveDate) -> bool {
        self.appointed <= d && self.left.is_none_or(|l| l > d)
    }
}

#[derive(Clone, Copy)]
enum Fee {
    Empty,
    Zero,
    Free,
    Yuan(u32),
    YuanSuffix(u32),
    Thousands(u32),
}

#[derive(Clone, Copy)]
enum Pool {
    County(u32),
    All,
}

struct Class {
    id: String,
    name: String,
    organizer: String,
    level: Level,
    /// Index into counties, for the `county` column (None: empty).
    county: Option<u32>,
    category: &'static str,
    topic: &'static str,
    start: NaiveDate,
    end: Option<NaiveDate>,
    days: Option<(f64, &'static str)>,
    fee: Fee,
    style: DateStyle,
    pool: Pool,
}

struct Data {
    counties: Vec<County>,
    units: Vec<Unit>,
    cadres: Vec<Cadre>,
    classes: Vec<Class>,
    /// All chairs, by appointment date.
    chairs: Vec<u32>,
    /// `--untrained`: percent of cadres whose attendance rows are left out.
    untrained: u64,
}

// ---------------------------------------------------------------------------------------
// Generation.

fn place(rng: &mut Rng) -> String {
    let a = rng.pick(PLACE_CHARS);
    let mut b = rng.pick(PLACE_CHARS);
    while b == a {
        b = rng.pick(PLACE_CHARS);
    }
    format!("{a}{b}")
}

fn make_counties(rng: &mut Rng, n: usize) -> Vec<County> {
    let mut counties: Vec<County> = COUNTIES
        .iter()
        .map(|&(name, code, prefix, weight)| County {
            name: name.to_string(),
            code,
            prefix: prefix.to_string(),
            city_direct: name == "市直",
            weight,
            first: 0,
            end: 0,
            chairs: Vec::new(),
        })
        .collect();
    let wanted = n.div_ceil(10_000).max(COUNTIES.len());
    let mut seen: HashSet<String> = counties.iter().map(|c| c.name.clone()).collect();
    let mut i = 0u32;
    while counties.len() < wanted {
        let suffix = rng.weighted(&[("区", 3), ("县", 5), ("市", 1)]);
        let mut name = format!("{}{suffix}", place(rng));
        if !seen.insert(name.clone()) {
            name = format!("{}{}{suffix}", place(rng), rng.pick(PLACE_CHARS));
            if !seen.insert(name.clone()) {
                continue;
            }
        }
        counties.push(County {
            name,
            code: 511_000 + i,
            prefix: format!("Q{i:03}-"),
            city_direct: false,
            weight: rng.range(50, 150) as usize,
            first: 0,
            end: 0,
            chairs: Vec::new(),
        });
        i += 1;
    }
    counties
}

fn person_name(rng: &mut Rng, male: bool) -> String {
    let mut s = String::with_capacity(9);
    s.push_str(if rng.chance(450) {
        rng.pick(COMMON_SURNAMES)
    } else {
        rng.pick(SURNAMES)
    });
    let chars = if male { MALE_CHARS } else { FEMALE_CHARS };
    s.push_str(rng.pick(chars));
    if rng.chance(750) {
        s.push_str(rng.pick(chars));
    }
    s
}

fn id_number(
    rng: &mut Rng,
    used: &mut HashSet<u64>,
    code: u32,
    birth: NaiveDate,
    male: bool,
) -> [u8; 18] {
    let date =
        u64::from(birth.year() as u32) * 10_000 + u64::from(birth.month() * 100 + birth.day());
    let mut seq;
    loop {
        // The 17th digit is odd for men, even for women.
        seq = rng.range(0, 499) as u64 * 2 + u64::from(male);
        let key = u64::from(code) * 100_000_000_000 + date * 1000 + seq;
        if used.insert(key) {
            break;
        }
    }
    let text = format!("{code:06}{date:08}{seq:03}");
    let mut id = [b'0'; 18];
    id[..17].copy_from_slice(&text.as_bytes()[..17]);
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = id[..17]
        .iter()
        .zip(W)
        .map(|(&c, w)| u32::from(c - b'0') * w)
        .sum();
    id[17] = b"10X98765432"[(sum % 11) as usize];
    id
}

fn unit_name(rng: &mut Rng, county: &County) -> String {
    let region = if county.city_direct {
        "绵阳市"
    } else {
        &county.name
    };
    // 市直 has few 产业工会 and no villages; its units are mostly enterprises.
    let templates: &[(u8, usize)] = if county.city_direct {
        &[(0, 2), (1, 60), (2, 10), (3, 8), (4, 6), (5, 14), (6, 0)]
    } else {
        &[(0, 25), (1, 30), (2, 10), (3, 8), (4, 8), (5, 10), (6, 9)]
    };
    match rng.weighted(templates) {
        0 => {
            let kind = rng.weighted(&[("镇", 3), ("街道", 1), ("乡", 1)]);
            if county.city_direct {
                format!(
                    "绵阳市{}产业工会",
                    rng.pick(&[
                        "机械冶金",
                        "教科文卫",
                        "财贸",
                        "交通运输",
                        "建设",
                        "能源化工"
                    ])
                )
            } else {
                format!("{region}{}{kind}总工会", place(rng))
            }
        }
        1 => {
            let head = if rng.chance(500) { "四川" } else { "绵阳" };
            format!(
                "{head}{}{}{}{}工会",
                rng.pick(BRAND_CHARS),
                rng.pick(BRAND_CHARS),
                rng.pick(INDUSTRIES),
                rng.weighted(COMPANY_SUFFIXES)
            )
        }
        2 => format!(
            "{region}{}{}工会",
            place(rng),
            rng.pick(&["中学", "小学", "幼儿园"])
        ),
        3 => {
            if rng.chance(100) {
                let n = rng.pick(&["一", "二", "三", "四", "五", "六", "七", "八", "九"]);
                format!("{region}第{n}人民医院工会")
            } else if county.city_direct {
                format!("绵阳{}医院工会", place(rng))
            } else {
                format!("{region}{}镇卫生院工会", place(rng))
            }
        }
        4 => {
            let (bureau, station) = rng.pick(&[
                ("教育局", "学区"),
                ("财政局", "财政所"),
                ("交通运输局", "交通管理站"),
                ("自然资源局", "自然资源所"),
                ("市场监管局", "市场监管所"),
                ("人力资源和社会保障局", "劳动保障所"),
            ]);
            if rng.chance(50) {
                format!("{region}{bureau}机关工会")
            } else {
                format!("{region}{bureau}{}{station}工会", place(rng))
            }
        }
        5 => format!("{region}{}社区工会", place(rng)),
        _ => format!("{region}{}村工会联合会", place(rng)),
    }
}

fn post_for(rng: &mut Rng, j: usize, leadership: bool) -> &'static str {
    match (j, leadership) {
        (0, _) => "工会主席",
        (1, _) => "副主席",
        (2, true) => "副主席",
        (2, false) | (3, true) => "经审委员会主任",
        (3, false) | (4, true) => "女职工委员会主任",
        _ => rng.weighted(&[
            ("委员", 60),
            ("女职工委员", 10),
            ("经审委员", 10),
            ("组织委员", 8),
            ("宣传委员", 7),
            ("办公室主任", if leadership { 10 } else { 0 }),
        ]),
    }
}

fn make_cadres(rng: &mut Rng, counties: &mut [County], n: usize) -> (Vec<Unit>, Vec<Cadre>) {
    let total_weight: usize = counties.iter().map(|c| c.weight).sum();
    let mut units = Vec::with_capacity(n / 9 + counties.len());
    let mut cadres: Vec<Cadre> = Vec::with_capacity(n);
    let mut used = HashSet::with_capacity(n);
    let mut cum = 0;
    let plan_first = ymd(2012, 1, 1);
    let plan_last = ymd(2021, 9, 30);
    for (ci, county) in counties.iter_mut().enumerate() {
        let before = n * cum / total_weight;
        cum += county.weight;
        let target = n * cum / total_weight - before;
        county.first = cadres.len();
        let mut leadership = true;
        while cadres.len() - county.first < target {
            let left_over = target - (cadres.len() - county.first);
            let size = if leadership {
                rng.range(6, 12)
            } else {
                rng.range(3, 17)
            } as usize;
            let size = size.min(left_over);
            let level = match (leadership, county.city_direct) {
                (true, true) => Level::City,
                (true, false) => Level::County,
                (false, _) => Level::Base,
            };
            let name = match (leadership, county.city_direct) {
                (true, true) => "绵阳市总工会".to_string(),
                (true, false) => format!("{}总工会", county.name),
                (false, _) => unit_name(rng, county),
            };
            let unit = units.len() as u32;
            units.push(Unit {
                name,
                county: ci as u32,
                level,
            });
            let mut j = 0;
            while j < size {
                let post = post_for(rng, j, leadership);
                let mut appointed = rng.date(plan_first, plan_last);
                let mut left = None;
                let mut replaced = false;
                if j == 0 && size >= 2 && rng.chance(120) {
                    // A chair who was replaced: the successor starts on the day the chair left.
                    appointed = rng.date(plan_first, ymd(2019, 12, 31));
                    left = Some(rng.date(appointed + Days::new(365), ymd(2021, 6, 30)));
                    replaced = true;
                } else if rng.chance(50) {
                    left = Some(rng.date(appointed + Days::new(30), ymd(2021, 12, 31)));
                }
                let code = used_code(rng, county);
                cadres.push(person(
                    rng, code, unit, level, post, appointed, left, &mut used,
                ));
                j += 1;
                if let (true, Some(l)) = (replaced, left) {
                    let code = used_code(rng, county);
                    cadres.push(person(rng, code, unit, level, post, l, None, &mut used));
                    j += 1;
                }
            }
            leadership = false;
        }
        county.end = cadres.len();
    }
    (units, cadres)
}

/// The area code of a cadre's 身份证号: the county's, or for 市直 one of the urban districts'.
fn used_code(rng: &mut Rng, county: &County) -> u32 {
    if county.city_direct {
        rng.pick(&[510703, 510704, 510705, 510781, 510722, 510723])
    } else {
        county.code
    }
}

#[allow(clippy::too_many_arguments, reason = "a plain record constructor")]
fn person(
    rng: &mut Rng,
    code: u32,
    unit: u32,
    level: Level,
    post: &'static str,
    appointed: NaiveDate,
    left: Option<NaiveDate>,
    used: &mut HashSet<u64>,
) -> Cadre {
    let male = rng.chance(if post == "女职工委员会主任" || post == "女职工委员" {
        50
    } else {
        560
    });
    let latest = (appointed.year() - 22).min(1998);
    let birth = rng.date(ymd(1958, 1, 1), ymd(latest, 12, 31));
    let id = id_number(rng, used, code, birth, male);
    let kind = match level {
        Level::Base => rng.weighted(&[("兼职", 800), ("专职", 50), ("社会化工作者", 80), ("", 70)]),
        _ => rng.weighted(&[("专职", 850), ("兼职", 150)]),
    };
    let style = rng.weighted(&[
        (DateStyle::Slash, 80),
        (DateStyle::Iso, 10),
        (DateStyle::Chinese, 4),
        (DateStyle::Compact, 3),
        (DateStyle::Dot, 3),
    ]);
    Cadre {
        id,
        name: person_name(rng, male),
        male,
        unit,
        post,
        kind,
        appointed,
        left,
        style,
        level_blank: level == Level::Base && rng.chance(30),
    }
}

fn class_date(rng: &mut Rng, year: i32) -> NaiveDate {
    let mut d = rng.date(ymd(year, 1, 1), ymd(year, 12, 31));
    // Classes are held on weekdays.
    match d.weekday() {
        Weekday::Sat if d.month() == 12 && d.day() >= 30 => d = d - Days::new(1),
        Weekday::Sun if d.month() == 12 && d.day() == 31 => d = d - Days::new(2),
        Weekday::Sat => d = d + Days::new(2),
        Weekday::Sun => d = d + Days::new(1),
        _ => {}
    }
    d
}

/// Duration in days of a class of this category (0 for half a day).
fn duration(rng: &mut Rng, category: &str, level: Level) -> u32 {
    if level == Level::Province {
        return rng.weighted(&[(5, 60), (3, 20), (7, 20)]);
    }
    match category {
        CAT_BASIC => rng.weighted(&[(1, 40), (2, 35), (3, 15), (0, 10)]),
        CAT_BUSINESS => rng.weighted(&[(1, 30), (2, 40), (3, 30)]),
        CAT_INITIAL | CAT_APPOINT => rng.weighted(&[(3, 50), (5, 30), (2, 20)]),
        CAT_TOPIC => rng.weighted(&[(1, 40), (2, 50), (0, 10)]),
        _ => rng.weighted(&[(0, 40), (1, 60)]),
    }
}

fn class_year(rng: &mut Rng) -> i32 {
    rng.weighted(&[(2017, 18), (2018, 22), (2019, 22), (2020, 18), (2021, 20)])
}

#[allow(clippy::too_many_arguments, reason = "a plain record constructor")]
fn new_class(
    rng: &mut Rng,
    organizer: String,
    level: Level,
    county: Option<u32>,
    category: &'static str,
    year: i32,
    pool: Pool,
    fee: Fee,
) -> Class {
    let start = class_date(rng, year);
    let len = duration(rng, category, level);
    let (end, days) = if len == 0 {
        (
            if rng.chance(500) { Some(start) } else { None },
            Some((0.5, "0.5")),
        )
    } else {
        let end = start + Days::new(u64::from(len) - 1);
        let text = ["", "1", "2", "3", "4", "5", "6", "7"][len as usize];
        let days = if rng.chance(450) {
            Some((f64::from(len), text))
        } else {
            None
        };
        let end = if len == 1 && rng.chance(300) {
            None
        } else {
            Some(end)
        };
        (end, days)
    };
    let topic = if category == CAT_TOPIC {
        rng.pick(TOPICS)
    } else {
        rng.pick(BUSINESS)
    };
    let style = rng.weighted(&[
        (DateStyle::Iso, 95),
        (DateStyle::IsoTime, 3),
        (DateStyle::Slash, 2),
    ]);
    Class {
        id: String::new(),
        name: String::new(),
        organizer,
        level,
        county,
        category,
        topic,
        start,
        end,
        days,
        fee,
        style,
        pool,
    }
}

fn county_fee(rng: &mut Rng) -> Fee {
    rng.weighted(&[
        (Fee::Empty, 850),
        (Fee::Zero, 100),
        (Fee::Free, 30),
        (Fee::YuanSuffix(200), 10),
        (Fee::Yuan(150), 10),
    ])
}

fn city_fee(rng: &mut Rng) -> Fee {
    rng.weighted(&[
        (Fee::Empty, 890),
        (Fee::Zero, 90),
        (Fee::Free, 10),
        (Fee::Yuan(300), 7),
        (Fee::Thousands(1200), 3),
    ])
}

fn make_classes(rng: &mut Rng, counties: &[County], n: usize) -> Vec<Class> {
    let total = ((n as f64 * 0.08).round() as usize).max(10);
    let mut classes = Vec::with_capacity(total + 8);
    // 市-level 专题培训: the plan wants one or two a year.
    for year in 2017..=2021 {
        for _ in 0..rng.weighted(&[(0, 5), (1, 40), (2, 45), (3, 10)]) {
            let fee = city_fee(rng);
            classes.push(new_class(
                rng,
                "绵阳市总工会".into(),
                Level::City,
                None,
                CAT_TOPIC,
                year,
                Pool::All,
                fee,
            ));
        }
    }
    let province = (total + 50) / 100;
    for _ in 0..province {
        let category = rng.weighted(&[(CAT_APPOINT, 50), (CAT_BUSINESS, 30), (CAT_TOPIC, 20)]);
        let year = class_year(rng);
        let fee = rng.weighted(&[(Fee::Empty, 8), (Fee::Yuan(800), 2)]);
        classes.push(new_class(
            rng,
            "四川省总工会".into(),
            Level::Province,
            None,
            category,
            year,
            Pool::All,
            fee,
        ));
    }
    let city = total * 4 / 100;
    for _ in 0..city {
        let category = rng.weighted(&[
            (CAT_BUSINESS, 30),
            (CAT_INITIAL, 25),
            (CAT_APPOINT, 25),
            (CAT_ONLINE, 20),
        ]);
        let year = class_year(rng);
        let fee = city_fee(rng);
        classes.push(new_class(
            rng,
            "绵阳市总工会".into(),
            Level::City,
            None,
            category,
            year,
            Pool::All,
            fee,
        ));
    }
    let rest = total.saturating_sub(classes.len());
    let cadres: usize = counties
        .iter()
        .map(|c| c.end - c.first)
        .sum::<usize>()
        .max(1);
    let mut cum = 0;
    for (ci, county) in counties.iter().enumerate() {
        let before = rest * cum / cadres;
        cum += county.end - county.first;
        let count = rest * cum / cadres - before;
        for _ in 0..count {
            let mut category = rng.weighted(&[
                (CAT_BASIC, 40),
                (CAT_BUSINESS, 25),
                (CAT_TOPIC, 12),
                (CAT_ONLINE, 10),
                (CAT_INITIAL, 7),
                (CAT_APPOINT, 6),
            ]);
            let year = class_year(rng);
            let pool = Pool::County(ci as u32);
            let class = if county.city_direct {
                // 市直 classes are run by the city union; they must not count as its 专题培训.
                if category == CAT_TOPIC {
                    category = CAT_BUSINESS;
                }
                let fee = city_fee(rng);
                new_class(
                    rng,
                    "绵阳市总工会".into(),
                    Level::City,
                    Some(ci as u32),
                    category,
                    year,
                    pool,
                    fee,
                )
            } else {
                let fee = county_fee(rng);
                new_class(
                    rng,
                    format!("{}总工会", county.name),
                    Level::County,
                    Some(ci as u32),
                    category,
                    year,
                    pool,
                    fee,
                )
            };
            classes.push(class);
        }
    }
    // Ids and names in date order, as a records system numbers them.
    classes.sort_by_key(|c| c.start);
    let mut seq: HashMap<(String, i32), u32> = HashMap::new();
    let mut nth: HashMap<(Option<u32>, Level, i32, &'static str, &'static str), u32> =
        HashMap::new();
    for c in &mut classes {
        let year = c.start.year();
        let prefix = match (c.level, c.county) {
            (Level::Province, _) => "SC".to_string(),
            (Level::City, _) => "MY".to_string(),
            (_, Some(ci)) => counties[ci as usize].prefix.clone(),
            (_, None) => "XX".to_string(),
        };
        let s = seq.entry((prefix.clone(), year)).or_insert(0);
        *s += 1;
        c.id = format!("{prefix}{year}-{s:04}");
        let k = nth
            .entry((c.county, c.level, year, c.category, c.topic))
            .or_insert(0);
        *k += 1;
        let place = match (c.level, c.county) {
            (_, Some(ci)) => counties[ci as usize].name.as_str(),
            (Level::City, None) => "全市",
            _ => "",
        };
        let what = match c.category {
            CAT_BASIC => "基层工会干部培训".to_string(),
            CAT_BUSINESS => format!("{}业务培训", c.topic),
            CAT_INITIAL => "新任工会主席初任培训".to_string(),
            CAT_APPOINT => "工会主席任职培训".to_string(),
            CAT_TOPIC => format!("{}专题培训", c.topic),
            _ => "工会干部网络培训".to_string(),
        };
        c.name = if c.level == Level::Province {
            format!("四川省总工会{year}年市县{what}班")
        } else {
            format!("{year}年{place}{what}班")
        };
        if *k > 1 {
            write!(c.name, "（第{k}期）").ok();
        }
    }
    classes
}

fn generate(seed: u64, n: usize) -> Data {
    let mut rng = Rng::new(seed, 1);
    let mut counties = make_counties(&mut rng, n);
    let mut rng = Rng::new(seed, 2);
    let (units, cadres) = make_cadres(&mut rng, &mut counties, n);
    let mut chairs: Vec<u32> = (0..cadres.len() as u32)
        .filter(|&i| cadres[i as usize].post == "工会主席")
        .collect();
    chairs.sort_by_key(|&i| (cadres[i as usize].appointed, i));
    for &i in &chairs {
        let county = units[cadres[i as usize].unit as usize].county;
        counties[county as usize].chairs.push(i);
    }
    let mut rng = Rng::new(seed, 3);
    let classes = make_classes(&mut rng, &counties, n);
    Data {
        counties,
        units,
        cadres,
        classes,
        chairs,
        untrained: 0,
    }
}

// ---------------------------------------------------------------------------------------
// Output: CSV (UTF-8 or GBK) or one xlsx workbook.

enum Cell<'a> {
    Text(&'a str),
    Date(NaiveDate, DateStyle),
    /// A number, and its CSV spelling.
    Num(f64, &'a str),
    Empty,
}

struct CsvSink {
    path: PathBuf,
    out: BufWriter<File>,
    buf: String,
    gbk: bool,
    rows: u64,
}

impl CsvSink {
    fn create(path: PathBuf, gbk: bool, bom: bool) -> Result<CsvSink> {
        let file =
            File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut buf = String::with_capacity(1 << 17);
        if bom && !gbk {
            buf.push('\u{feff}');
        }
        Ok(CsvSink {
            path,
            out: BufWriter::with_capacity(1 << 20, file),
            buf,
            gbk,
            rows: 0,
        })
    }

    fn flush_buf(&mut self) -> Result<()> {
        if self.gbk {
            let (bytes, _, unmappable) = encoding_rs::GBK.encode(&self.buf);
            if unmappable {
                bail!("a character in {} has no GBK encoding", self.path.display());
            }
            self.out.write_all(&bytes)?;
        } else {
            self.out.write_all(self.buf.as_bytes())?;
        }
        self.buf.clear();
        Ok(())
    }

    fn finish(mut self) -> Result<(u64, u64)> {
        self.flush_buf()?;
        self.out.flush()?;
        let bytes = std::fs::metadata(&self.path)?.len();
        Ok((self.rows.saturating_sub(1), bytes))
    }
}

struct XlsxSink {
    ws: Worksheet,
    row: u32,
    slash: Format,
    iso: Format,
}

enum Sink {
    Csv(CsvSink),
    Xlsx(Box<XlsxSink>),
}

impl Sink {
    fn row(&mut self, cells: &[Cell<'_>]) -> Result<()> {
        match self {
            Sink::Csv(s) => {
                for (i, cell) in cells.iter().enumerate() {
                    if i > 0 {
                        s.buf.push(',');
                    }
                    match *cell {
                        Cell::Text(t) | Cell::Num(_, t) => {
                            if t.contains([',', '"', '\n', '\r']) {
                                s.buf.push('"');
                                s.buf.push_str(&t.replace('"', "\"\""));
                                s.buf.push('"');
                            } else {
                                s.buf.push_str(t);
                            }
                        }
                        Cell::Date(d, style) => push_date(&mut s.buf, d, style)?,
                        Cell::Empty => {}
                    }
                }
                s.buf.push('\n');
                s.rows += 1;
                if s.buf.len() >= 1 << 16 {
                    s.flush_buf()?;
                }
            }
            Sink::Xlsx(x) => {
                if x.row >= 1_048_576 {
                    bail!(
                        "more than 1,048,576 rows in one sheet: too many for xlsx (use fewer cadres)"
                    );
                }
                for (col, cell) in cells.iter().enumerate() {
                    let col = col as u16;
                    match *cell {
                        Cell::Text("") | Cell::Empty => {}
                        Cell::Text(t) => {
                            x.ws.write_string(x.row, col, t)?;
                        }
                        Cell::Num(v, _) => {
                            x.ws.write_number(x.row, col, v)?;
                        }
                        Cell::Date(d, style) => {
                            let dt = ExcelDateTime::from_ymd(
                                d.year() as u16,
                                d.month() as u8,
                                d.day() as u8,
                            )?;
                            let format = match style {
                                DateStyle::Slash | DateStyle::Dot | DateStyle::Chinese => &x.slash,
                                _ => &x.iso,
                            };
                            x.ws.write_datetime_with_format(x.row, col, &dt, format)?;
                        }
                    }
                }
                x.row += 1;
            }
        }
        Ok(())
    }
}

const CADRE_HEADERS: &[&str] = &[
    "身份证号",
    "姓名",
    "性别",
    "所在单位",
    "县区",
    "单位层级",
    "职务",
    "专兼职",
    "任职日期",
    "离任日期",
];
const CLASS_HEADERS: &[&str] = &[
    "id",
    "name",
    "organizer",
    "organizer_level",
    "county",
    "category",
    "start_on",
    "end_on",
    "days",
    "fee",
];
const ATTENDANCE_HEADERS: &[&str] = &["班次编号", "身份证号", "是否结业"];
const UNIT_HEADERS: &[&str] = &["name", "parent", "level", "county", "type"];

/// The 学时 of `--units`, or none: per class, its `hours` cell (None: empty).
struct Hours {
    classes: Vec<Option<u32>>,
}

impl Hours {
    /// 8 学时 a day, from `days` or else the dates (half a day: 4); ≈ 15 % left empty.
    fn new(data: &Data, seed: u64) -> Hours {
        let mut rng = Rng::new(seed, 5);
        let classes = data
            .classes
            .iter()
            .map(|c| {
                let days = match (c.days, c.end) {
                    (Some((d, _)), _) => d,
                    (None, Some(end)) => ((end - c.start).num_days() + 1) as f64,
                    (None, None) => 1.0,
                };
                if rng.chance(150) {
                    None
                } else {
                    Some((days * 8.0).round() as u32)
                }
            })
            .collect();
        Hours { classes }
    }
}

/// Writes units.csv: the chain of superiors, the county unions, then every grassroots
/// union of the roster once (first name wins).
fn write_units(data: &Data, sink: &mut Sink) -> Result<()> {
    headers(sink, UNIT_HEADERS)?;
    const CITY: &str = "绵阳市总工会";
    sink.row(&[
        Cell::Text("全国总工会"),
        Cell::Empty,
        Cell::Text("全国"),
        Cell::Empty,
        Cell::Text("全国总工会"),
    ])?;
    sink.row(&[
        Cell::Text("四川省总工会"),
        Cell::Text("全国总工会"),
        Cell::Text("省"),
        Cell::Empty,
        Cell::Text("省总工会"),
    ])?;
    sink.row(&[
        Cell::Text(CITY),
        Cell::Text("四川省总工会"),
        Cell::Text("市"),
        Cell::Text("市直"),
        Cell::Text("市总工会"),
    ])?;
    let mut seen: HashSet<&str> = HashSet::with_capacity(data.units.len());
    seen.insert(CITY);
    // County unions first, so that every parent is written before its children.
    let mut parents = Vec::with_capacity(data.counties.len());
    for (ci, county) in data.counties.iter().enumerate() {
        let head = data
            .units
            .iter()
            .find(|u| u.county as usize == ci && u.level != Level::Base);
        let name = head.map_or(CITY, |u| u.name.as_str());
        parents.push(name);
        if seen.insert(name) {
            sink.row(&[
                Cell::Text(name),
                Cell::Text(CITY),
                Cell::Text("县区"),
                Cell::Text(&county.name),
                Cell::Text("县区总工会"),
            ])?;
        }
    }
    for unit in &data.units {
        if unit.level != Level::Base || !seen.insert(&unit.name) {
            continue;
        }
        let county = &data.counties[unit.county as usize];
        let kind = if county.city_direct && unit.name.ends_with("产业工会") {
            "市直产业工会"
        } else {
            "基层工会"
        };
        sink.row(&[
            Cell::Text(&unit.name),
            Cell::Text(parents[unit.county as usize]),
            Cell::Text("基层"),
            Cell::Text(&county.name),
            Cell::Text(kind),
        ])?;
    }
    Ok(())
}

fn headers(sink: &mut Sink, names: &[&str]) -> Result<()> {
    let cells: Vec<Cell<'_>> = names.iter().map(|h| Cell::Text(h)).collect();
    sink.row(&cells)
}

fn write_cadres(data: &Data, sink: &mut Sink) -> Result<()> {
    headers(sink, CADRE_HEADERS)?;
    for c in &data.cadres {
        let unit = &data.units[c.unit as usize];
        let county = &data.counties[unit.county as usize];
        let id = std::str::from_utf8(&c.id)?;
        sink.row(&[
            Cell::Text(id),
            Cell::Text(&c.name),
            Cell::Text(if c.male { "男" } else { "女" }),
            Cell::Text(&unit.name),
            Cell::Text(&county.name),
            Cell::Text(if c.level_blank { "" } else { unit.level.name() }),
            Cell::Text(c.post),
            Cell::Text(c.kind),
            Cell::Date(c.appointed, c.style),
            c.left.map_or(Cell::Empty, |d| Cell::Date(d, c.style)),
        ])?;
    }
    Ok(())
}

fn write_classes(data: &Data, hours: Option<&Hours>, sink: &mut Sink) -> Result<()> {
    let mut names = CLASS_HEADERS.to_vec();
    if hours.is_some() {
        names.push("hours");
    }
    headers(sink, &names)?;
    let mut fee_text = String::new();
    let mut hours_text = String::new();
    for (i, c) in data.classes.iter().enumerate() {
        fee_text.clear();
        hours_text.clear();
        let fee = match c.fee {
            Fee::Empty => Cell::Empty,
            Fee::Zero => Cell::Num(0.0, "0"),
            Fee::Free => Cell::Text("免费"),
            Fee::Yuan(v) => {
                write!(fee_text, "{v}")?;
                Cell::Num(f64::from(v), &fee_text)
            }
            Fee::YuanSuffix(v) => {
                write!(fee_text, "{v}元")?;
                Cell::Text(&fee_text)
            }
            Fee::Thousands(v) => {
                write!(fee_text, "{},{:03}", v / 1000, v % 1000)?;
                Cell::Num(f64::from(v), &fee_text)
            }
        };
        let hours_cell = match hours.and_then(|h| h.classes[i]) {
            Some(h) => {
                write!(hours_text, "{h}")?;
                Cell::Num(f64::from(h), &hours_text)
            }
            None => Cell::Empty,
        };
        let cells = [
            Cell::Text(&c.id),
            Cell::Text(&c.name),
            Cell::Text(&c.organizer),
            Cell::Text(c.level.name()),
            Cell::Text(
                c.county
                    .map_or("", |ci| data.counties[ci as usize].name.as_str()),
            ),
            Cell::Text(c.category),
            Cell::Date(c.start, c.style),
            c.end.map_or(Cell::Empty, |d| Cell::Date(d, c.style)),
            c.days.map_or(Cell::Empty, |(v, t)| Cell::Num(v, t)),
            fee,
            hours_cell,
        ];
        sink.row(&cells[..names.len()])?;
    }
    Ok(())
}

/// Chairs appointed within the year before `d`, from a list sorted by appointment.
fn recent<'a>(chairs: &'a [u32], cadres: &[Cadre], d: NaiveDate) -> &'a [u32] {
    let from = d - Days::new(365);
    let lo = chairs.partition_point(|&i| cadres[i as usize].appointed < from);
    let hi = chairs.partition_point(|&i| cadres[i as usize].appointed <= d);
    &chairs[lo..hi]
}

/// Whether cadre `i` is one of the `percent` % who never trained (`--untrained`): a
/// hash of the seed and row, so the other draws stay as they were.
fn untrained(seed: u64, i: u32, percent: u64) -> bool {
    percent > 0
        && Rng::new(seed ^ u64::from(i).wrapping_mul(0xA24B_AED4_963E_E407), 7).below(100)
            < percent as usize
}

fn write_attendance(data: &Data, seed: u64, hours: Option<&Hours>, sink: &mut Sink) -> Result<u64> {
    let mut names = ATTENDANCE_HEADERS.to_vec();
    if hours.is_some() {
        names.push("参训学时");
    }
    headers(sink, &names)?;
    let mut rng = Rng::new(seed, 4);
    // The attendance rows' 学时 draw from their own stream, leaving stream 4 as it was.
    let mut hours_rng = Rng::new(seed, 6);
    let mut hours_text = String::new();
    let cadres = &data.cadres;
    let mut trained = vec![0u8; cadres.len()];
    let mut members: Vec<u32> = Vec::with_capacity(80);
    let mut id_text = String::with_capacity(18);
    let mut rows = 0;
    for (ci, class) in data.classes.iter().enumerate() {
        let class_hours = hours.and_then(|h| h.classes[ci]);
        let (first, end, chairs) = match class.pool {
            Pool::County(ci) => {
                let c = &data.counties[ci as usize];
                (c.first, c.end, c.chairs.as_slice())
            }
            Pool::All => (0, cadres.len(), data.chairs.as_slice()),
        };
        if end == first {
            continue;
        }
        let recent_chairs = recent(chairs, cadres, class.start);
        let chair_share = match class.category {
            CAT_INITIAL | CAT_APPOINT => 50,
            CAT_BUSINESS => 8,
            _ => 0,
        };
        let size = (rng.range(10, 75) as usize).min(end - first);
        members.clear();
        for _ in 0..size {
            // Up to two acceptable candidates; the one trained less often goes.
            let mut best: Option<u32> = None;
            for attempt in 0..6 {
                let i = if !recent_chairs.is_empty() && rng.chance(chair_share) {
                    rng.pick(recent_chairs)
                } else {
                    (first + rng.below(end - first)) as u32
                };
                if members.contains(&i)
                    || (attempt < 5 && !cadres[i as usize].in_office(class.start))
                {
                    continue;
                }
                match best {
                    None => best = Some(i),
                    Some(b) => {
                        if trained[i as usize] < trained[b as usize] {
                            best = Some(i);
                        }
                        break;
                    }
                }
            }
            let Some(i) = best else { continue };
            if untrained(seed, i, data.untrained) {
                continue;
            }
            members.push(i);
            let t = &mut trained[i as usize];
            *t = t.saturating_add(1);
            let cadre = &cadres[i as usize];
            id_text.clear();
            id_text.push_str(std::str::from_utf8(&cadre.id)?);
            if cadre.id[17] == b'X' && rng.chance(20) {
                id_text.make_ascii_lowercase();
            }
            let completed = rng.weighted(&[("是", 940), ("否", 40), ("已结业", 10), ("", 10)]);
            hours_text.clear();
            let hours_cell = match class_hours {
                Some(h) if h > 0 && hours_rng.chance(100) => {
                    let v = hours_rng.range(i64::from(h.div_ceil(2)), i64::from(h));
                    write!(hours_text, "{v}")?;
                    Cell::Num(v as f64, &hours_text)
                }
                _ => Cell::Empty,
            };
            let cells = [
                Cell::Text(&class.id),
                Cell::Text(&id_text),
                Cell::Text(completed),
                hours_cell,
            ];
            sink.row(&cells[..names.len()])?;
            rows += 1;
        }
    }
    Ok(rows)
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.cadres == 0 {
        bail!("--cadres must be at least 1");
    }
    let started = Instant::now();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut data = generate(args.seed, args.cadres);
    data.untrained = args.untrained;
    let out = args.out.as_path();
    if args.xlsx {
        write_xlsx(&data, args.seed, out)?;
    } else {
        write_csv(&data, args.seed, out, args.encoding == Enc::Gbk, args.units)?;
    }
    println!("generated in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn write_csv(data: &Data, seed: u64, out: &Path, gbk: bool, units: bool) -> Result<()> {
    let book = out.join("records.xlsx");
    if book.exists() {
        bail!("{} exists; remove it or use another --out", book.display());
    }
    let units_path = out.join("units.csv");
    if !units && units_path.exists() {
        bail!(
            "{} exists (from --units); remove it or use another --out",
            units_path.display()
        );
    }
    let hours = units.then(|| Hours::new(data, seed));
    let mut files = vec![
        ("cadres.csv", true),
        ("classes.csv", false),
        ("attendance.csv", false),
    ];
    if units {
        files.push(("units.csv", false));
    }
    let mut stats = Vec::new();
    for (name, bom) in files {
        let mut sink = Sink::Csv(CsvSink::create(out.join(name), gbk, bom)?);
        match name {
            "cadres.csv" => write_cadres(data, &mut sink)?,
            "classes.csv" => write_classes(data, hours.as_ref(), &mut sink)?,
            "units.csv" => write_units(data, &mut sink)?,
            _ => {
                write_attendance(data, seed, hours.as_ref(), &mut sink)?;
            }
        }
        match sink {
            Sink::Csv(csv) => stats.push((name, csv.finish()?)),
            Sink::Xlsx(_) => bail!("internal error: an xlsx sink for {name}"),
        }
    }
    let (mut rows, mut bytes) = (0, 0);
    for (name, (r, b)) in &stats {
        println!("{name:<16}{r:>10} rows {:>9.1} MB", *b as f64 / 1e6);
        rows += r;
        bytes += b;
    }
    println!(
        "total {rows} rows {bytes} bytes ({:.1} MB, {})",
        bytes as f64 / 1e6,
        if gbk { "GBK" } else { "UTF-8" }
    );
    Ok(())
}

fn write_xlsx(data: &Data, seed: u64, out: &Path) -> Result<()> {
    for name in ["cadres.csv", "classes.csv", "attendance.csv"] {
        if out.join(name).exists() {
            bail!(
                "{} exists; a folder read as one workbook must hold no table CSVs",
                out.join(name).display()
            );
        }
    }
    let new_sink = |name: &str| -> Result<Sink> {
        let mut ws = Worksheet::new();
        ws.set_name(name)?;
        Ok(Sink::Xlsx(Box::new(XlsxSink {
            ws,
            row: 0,
            slash: Format::new().set_num_format("yyyy/m/d"),
            iso: Format::new().set_num_format("yyyy-mm-dd"),
        })))
    };
    let mut workbook = Workbook::new();
    // A fixed creation time, so that the same data gives the same bytes.
    let created = ExcelDateTime::from_ymd(2021, 3, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let mut cadres = new_sink("cadres")?;
    write_cadres(data, &mut cadres)?;
    let mut classes = new_sink("classes")?;
    write_classes(data, None, &mut classes)?;
    let mut attendance = new_sink("attendance")?;
    let rows = write_attendance(data, seed, None, &mut attendance)?;
    for sink in [cadres, classes, attendance] {
        if let Sink::Xlsx(x) = sink {
            workbook.push_worksheet(x.ws);
        }
    }
    let path = out.join("records.xlsx");
    workbook
        .save(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let bytes = std::fs::metadata(&path)?.len();
    let total = data.cadres.len() as u64 + data.classes.len() as u64 + rows;
    println!(
        "records.xlsx: cadres {} rows, classes {} rows, attendance {rows} rows",
        data.cadres.len(),
        data.classes.len()
    );
    println!(
        "total {total} rows {bytes} bytes ({:.1} MB, xlsx)",
        bytes as f64 / 1e6
    );
    Ok(())
}

"""Names for demo people: diverse, British and of working age, as in Lewisham's workforce.

Names are drawn within one heritage at a time, so a first name and a surname belong together.
The weights follow roughly the make-up of Lewisham's working-age population (about half white
British or Irish, a quarter Black African or Caribbean, then Asian and European communities).
Surnames used by one sex only (Begum, Kaur) are left out, as first names carry no sex here.
Common names are used on purpose: the pairs are random and describe nobody.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class Heritage:
    first_names: tuple[str, ...]
    surnames: tuple[str, ...]
    weight: int


BRITISH_AND_IRISH = Heritage(
    first_names=_words(
        """
        Sarah Claire Emma Rachel Joanne Helen Laura Rebecca Hannah Katie Lucy Charlotte
        Victoria Louise Nicola Kerry Gemma Natalie Jessica Amy Sophie Eleanor Alice Harriet
        Fiona Siobhan Niamh Aoife Bronwen Catriona Rhiannon Megan Jennifer Susan Karen Julie
        Alison Deborah Gillian Lesley Tracey Elaine Margaret Anne Carol Kate Jane Ruth Frances
        Zoe Abigail Caroline David Paul Mark Andrew James John Michael Richard Stephen Simon
        Matthew Daniel Thomas Christopher Robert Peter Gareth Rhys Owen Dylan Ciaran Sean
        Declan Liam Callum Euan Hamish Alistair Graham Neil Ian Stuart Martin Jonathan Ben Sam
        Tom Joe Adam Luke Jack Harry George William Edward Nathan Craig Dean Lee Gary Kevin
        Darren Philip Alex Chris Jo
        """
    ),
    surnames=_words(
        """
        Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans
        Walker White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Turner Hill Harris
        Cooper Ward Morris King Baker Harrison Morgan Allen Parker Lewis Bennett Collins Murphy
        Kelly O'Brien O'Connor Byrne Walsh Ryan Doyle McCarthy Gallagher Fitzgerald Quinn
        Campbell Stewart MacDonald Fraser Reid Robertson Murray Henderson Price Lloyd Owen Rees
        Powell Pritchard Jenkins Howell Griffiths Ellis Marshall Chapman Mason Fletcher Holmes
        Palmer Barnes Fisher Lawrence Knight Butler Shaw Webb Hunt Stone Cole Dixon Hart Gibson
        Russell Pearce Hayes Burton Ashworth Pemberton Whitfield Hargreaves Kemp Lambert Barker
        Foster Sutton Rowe Carter
        """
    ),
    weight=46,
)

CARIBBEAN = Heritage(
    first_names=_words(
        """
        Marcia Sonia Beverley Yvonne Claudette Paulette Jacqueline Shanice Tanisha Keisha Jade
        Chantelle Simone Donna Sharon Natasha Aaliyah Kayla Rochelle Tamika Jermaine Delroy
        Winston Leroy Tyrone Marlon Dwayne Andre Kemar Clive Errol Lloyd Trevor Courtney Devon
        Jordan Kareem Ricardo Curtis Desmond Neville Carlton Nathaniel Leon
        """
    ),
    surnames=_words(
        """
        Campbell Brown Williams Thomas Francis Gayle Bailey Reid Henry Samuels Clarke Grant
        Johnson Morgan Lewis Edwards James Joseph Phillips Richards Gordon Anderson Bennett
        Forbes Stewart McKenzie Powell Morrison Fearon Blake DaCosta Hylton Lindo Nembhard
        Spence Wedderburn Whyte Beckford Ricketts Barrett Haughton Christie Chambers Sinclair
        Dacres Bryan
        """
    ),
    weight=11,
)

NIGERIAN = Heritage(
    first_names=_words(
        """
        Adaeze Chidinma Ngozi Chiamaka Funmilayo Folake Yetunde Abimbola Temitope Oluwaseun
        Adebayo Babajide Chukwuemeka Obinna Ifeanyi Nnamdi Emeka Tunde Kunle Femi Segun Bukola
        Kemi Tolu Damilola Uchenna Chinedu Grace Blessing Precious Joy Faith Samuel Emmanuel
        Daniel Esther Victor
        """
    ),
    surnames=_words(
        """
        Okafor Okonkwo Adeyemi Adebayo Ogunleye Olawale Balogun Eze Nwosu Obi Chukwu Okoro
        Adeleke Afolabi Ojo Ogundipe Akinola Bello Oduya Egbe Nwachukwu Okeke Adewale Oyelaran
        Oshodi Ibekwe Uzoma Ajayi
        """
    ),
    weight=8,
)

GHANAIAN = Heritage(
    first_names=_words(
        """
        Kwame Kofi Kwabena Yaw Kojo Kwesi Akosua Ama Abena Efua Afua Esi Adwoa Nana Comfort
        Gifty Patience Samuel Isaac Emmanuel Priscilla Ebenezer
        """
    ),
    surnames=_words(
        """
        Mensah Owusu Boateng Asante Agyeman Osei Acheampong Appiah Darko Quaye Addo Ansah
        Tetteh Danso Amoah Ofori Bonsu Sarpong Antwi Frimpong
        """
    ),
    weight=4,
)

SOMALI = Heritage(
    first_names=_words(
        """
        Hodan Fadumo Amina Sahra Khadra Asha Ayan Hibo Abdi Abdirahman Hamza Yusuf Ahmed
        Mohamed Faisal Liban Mustafa Ismail
        """
    ),
    surnames=_words(
        """
        Mohamed Hassan Abdullahi Warsame Farah Osman Jama Ali Ahmed Ibrahim Yusuf Nur Aden Egal
        """
    ),
    weight=2,
)

EAST_AND_SOUTHERN_AFRICAN = Heritage(
    first_names=_words(
        """
        Tendai Rutendo Chipo Tatenda Farai Thandiwe Sipho Neema Mbali Wanjiru Achieng Brian
        Joseph Ruth Isaac Moses
        """
    ),
    surnames=_words(
        """
        Moyo Ndlovu Dube Sibanda Mukasa Nsubuga Mutua Kimani Otieno Mwangi Nkosi Onyango
        Chikwanha Banda
        """
    ),
    weight=2,
)

SIERRA_LEONEAN = Heritage(
    first_names=_words(
        """
        Fatmata Mariama Isatu Aminata Kadiatu Abu Alusine Mohamed Ibrahim Sorie Osman
        """
    ),
    surnames=_words(
        """
        Kamara Sesay Conteh Bangura Koroma Turay Jalloh Kargbo
        """
    ),
    weight=1,
)

INDIAN = Heritage(
    first_names=_words(
        """
        Priya Anjali Sunita Meera Kavita Neha Pooja Deepa Nirmala Hema Jyoti Amit Rajesh Sanjay
        Vikram Arjun Rohan Nikhil Suresh Ravi Dev Anil Kiran Hitesh
        """
    ),
    surnames=_words(
        """
        Patel Shah Mehta Desai Joshi Sharma Gupta Kumar Mistry Parmar Chauhan Bhatt Nair Menon
        Pillai Krishnan Rao Iyer
        """
    ),
    weight=3,
)

PUNJABI = Heritage(
    first_names=_words(
        """
        Harpreet Manpreet Jaspreet Gurpreet Simran Navdeep Rajinder Harjit Kuldip Mandeep
        Sukhdev Jaswinder Amrit
        """
    ),
    surnames=_words(
        """
        Singh Sandhu Gill Dhillon Bains Sidhu Grewal Johal Sahota
        """
    ),
    weight=1,
)

PAKISTANI = Heritage(
    first_names=_words(
        """
        Ayesha Sana Nadia Saima Rubina Shazia Nasreen Fatima Yasmin Imran Tariq Asif Kamran
        Faisal Bilal Usman Shahid Rashid Zubair Adnan
        """
    ),
    surnames=_words(
        """
        Khan Ahmed Hussain Akhtar Iqbal Malik Chaudhry Qureshi Butt Raja Mirza Shah
        """
    ),
    weight=2,
)

BANGLADESHI = Heritage(
    first_names=_words(
        """
        Taslima Shirin Rahima Fahmida Nasima Rumana Shamima Jamal Mizanur Rafiq Abdul Mohammed
        Shahed Anwar Faruk
        """
    ),
    surnames=_words(
        """
        Rahman Uddin Miah Islam Choudhury Hoque Ali Ahmed Hossain
        """
    ),
    weight=1,
)

TAMIL = Heritage(
    first_names=_words(
        """
        Tharshan Kajan Nirosha Thushara Pirathees Sinthuja Kavitha Mathan Suganthan Vithya
        Ramesh Luxmi Janani
        """
    ),
    surnames=_words(
        """
        Sivakumar Rajaratnam Thangarajah Selvarajah Sivanathan Kandiah Navaratnam Balasingham
        Ratnam Shanmugam
        """
    ),
    weight=2,
)

CHINESE = Heritage(
    first_names=_words(
        """
        Wei Mei Xin Ying Hui Jun Jing Ling Jenny Vivian Eric Sandra Kevin Michelle Alan Winnie
        Raymond
        """
    ),
    surnames=_words(
        """
        Chen Wong Li Wang Zhang Liu Huang Lin Lau Cheung Chan Ng Ho Lam Tang Yip Leung
        """
    ),
    weight=2,
)

VIETNAMESE = Heritage(
    first_names=_words(
        """
        Hoa Linh Thanh Minh Tuan Huong Trang Quang Duc Anh Lan Hung Mai Phuong Khanh
        """
    ),
    surnames=_words(
        """
        Nguyen Tran Le Pham Hoang Vu Dang Bui Do Ngo Duong
        """
    ),
    weight=2,
)

POLISH = Heritage(
    first_names=_words(
        """
        Agnieszka Katarzyna Magdalena Joanna Anna Marta Ewa Monika Tomasz Piotr Krzysztof Marek
        Lukasz Pawel Michal Kasia
        """
    ),
    surnames=_words(
        """
        Nowak Mazur Krawczyk Wojcik Kaczmarek Pawlak Michalak Sikora Baran Duda Wrobel Zajac
        Krol Kubiak
        """
    ),
    weight=2,
)

PORTUGUESE_AND_BRAZILIAN = Heritage(
    first_names=_words(
        """
        Ana Ines Joana Beatriz Mariana Fernanda Juliana Joao Tiago Rui Pedro Rafael Bruno Diogo
        """
    ),
    surnames=_words(
        """
        Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Sousa Fernandes
        Goncalves Gomes Almeida Carvalho
        """
    ),
    weight=2,
)

ROMANIAN = Heritage(
    first_names=_words(
        """
        Andreea Ioana Elena Alina Mihaela Mihai Andrei Gabriel Florin Cristian Adrian
        """
    ),
    surnames=_words(
        """
        Popescu Ionescu Constantin Stan Dumitru Radu Marin Munteanu Popa Stoica
        """
    ),
    weight=1,
)

ITALIAN_AND_SPANISH = Heritage(
    first_names=_words(
        """
        Giulia Francesca Chiara Lucia Carmen Marco Luca Alessandro Javier Pablo Sergio
        """
    ),
    surnames=_words(
        """
        Rossi Russo Ferrari Esposito Bianchi Romano Ricci Conti Garcia Martinez Lopez Sanchez
        Fernandez
        """
    ),
    weight=1,
)

GREEK_CYPRIOT = Heritage(
    first_names=_words(
        """
        Eleni Katerina Maria Despina Androulla Nikos Dimitris Andreas Christos Costas
        """
    ),
    surnames=_words(
        """
        Georgiou Papadopoulos Constantinou Christodoulou Ioannou Charalambous Michael Demetriou
        """
    ),
    weight=1,
)

TURKISH_AND_KURDISH = Heritage(
    first_names=_words(
        """
        Elif Zeynep Ayse Fatma Leyla Emre Mehmet Burak Deniz Hasan Serkan Berivan Rojda
        """
    ),
    surnames=_words(
        """
        Yilmaz Kaya Demir Sahin Celik Ozturk Aydin Arslan Dogan Kilic Polat
        """
    ),
    weight=2,
)

HERITAGES = (
    BRITISH_AND_IRISH,
    CARIBBEAN,
    NIGERIAN,
    GHANAIAN,
    SOMALI,
    EAST_AND_SOUTHERN_AFRICAN,
    SIERRA_LEONEAN,
    INDIAN,
    PUNJABI,
    PAKISTANI,
    BANGLADESHI,
    TAMIL,
    CHINESE,
    VIETNAMESE,
    POLISH,
    PORTUGUESE_AND_BRAZILIAN,
    ROMANIAN,
    ITALIAN_AND_SPANISH,
    GREEK_CYPRIOT,
    TURKISH_AND_KURDISH,
)
_WEIGHTS = tuple(heritage.weight for heritage in HERITAGES)

# One person in twenty has a first name from one heritage and a surname from another, as in
# any London borough.
MIXED_PAIR_CHANCE = 0.05


def person_name(rng: random.Random) -> tuple[str, str]:
    """A first name and a surname."""
    heritage = rng.choices(HERITAGES, weights=_WEIGHTS)[0]
    surname_from = heritage
    if rng.random() < MIXED_PAIR_CHANCE:
        surname_from = rng.choices(HERITAGES, weights=_WEIGHTS)[0]
    return rng.choice(heritage.first_names), rng.choice(surname_from.surnames)


def email_part(name: str) -> str:
    """A name as it appears in an email address: "O'Brien" becomes "obrien"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9-]", "", ascii_name.lower())
